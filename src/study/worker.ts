/** Worker thread: runs simulation points sent by the study runner and posts back result documents. */
import { parentPort } from 'node:worker_threads';
import { runPoint, type StudyPoint } from './point.js';

if (!parentPort) throw new Error('study worker must run in a worker thread');
const port = parentPort;
port.on('message', (msg: { id: number; point: StudyPoint }) => {
  try {
    const result = runPoint(msg.point, (done, total) => port.postMessage({ id: msg.id, progress: { done, total } }));
    port.postMessage({ id: msg.id, result });
  } catch (e) {
    const err = e as Error;
    port.postMessage({ id: msg.id, error: { name: err.name, message: err.message, where: (err as { where?: string }).where } });
  }
});
