/**
 * Register-mode switches a program implies (AiM; the memory preset's registerMode), counted from
 * its instructions alone: what a mapping "pays" before it is run. Each channel walks its
 * instructions in program order from bank mode; an instruction's commands need the mode of its
 * main command (WR_GB: WRGB, RD_MAC: RDMAC16, WR_BIAS: WRBIAS, MAC: MAC16 or MAC, then RDMAC16 per
 * readout group, WR/RD: WR/RD). The sequencer issues exactly these switches, plus two around a
 * refresh that falls due in register mode (refresh needs bank mode).
 */
import { COMMAND_ID, NUM_COMMANDS, type CommandName } from '../spec/commands.js';
import type { MemorySpec } from '../spec/memory.js';
import type { Instruction, Program } from './program.js';

/** Per command id: 1 register mode, 0 bank mode, -1 either (or no register mode). */
export function commandModes(memory: MemorySpec): Int8Array {
  const modes = new Int8Array(NUM_COMMANDS).fill(-1);
  const rm = memory.registerMode;
  if (!rm) return modes;
  modes.fill(0);
  modes[COMMAND_ID[rm.switch]] = -1;
  for (const c of rm.commands) modes[COMMAND_ID[c]] = 1;
  return modes;
}

/** Readout groups of a MAC block with readout. */
export function readoutGroups(ins: Instruction): number {
  const segments = (ins.rowCount - 1) * ins.segments + ins.lastSegments;
  return Math.ceil(segments / ins.readoutGroup);
}

/**
 * Switches per channel (index = channel) for `program`, from the modes in `state` (default: bank
 * mode everywhere), which is left holding the modes the program ends in (so programs run one
 * after another can be counted in turn).
 */
export function modeSwitchesOf(program: Program, memory: MemorySpec, state = new Int8Array(memory.org.channels)): number[] {
  const modes = commandModes(memory);
  const mode = (c: CommandName) => modes[COMMAND_ID[c]];
  const switches = new Array<number>(memory.org.channels).fill(0);
  const enter = (ch: number, m: number) => {
    if (m >= 0 && m !== state[ch]) {
      state[ch] = m;
      switches[ch]++;
    }
  };
  for (const ins of program.instructions) {
    const ch = ins.channel;
    switch (ins.op) {
      case 'WR_GB': enter(ch, mode('WRGB')); break;
      case 'WR_BIAS': enter(ch, mode('WRBIAS')); break;
      case 'RD_MAC': enter(ch, mode('RDMAC16')); break;
      case 'WR': enter(ch, mode('WR')); break;
      case 'RD': enter(ch, mode('RD')); break;
      case 'MAC': {
        const mac = mode(ins.allBanks ? 'MAC16' : 'MAC');
        if (!ins.readout) {
          enter(ch, mac);
          break;
        }
        for (let g = readoutGroups(ins); g > 0; g--) {
          enter(ch, mac);
          enter(ch, mode('RDMAC16'));
        }
        break;
      }
      default:
        break;
    }
  }
  return switches;
}
