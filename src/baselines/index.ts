/** GPU/CPU baselines: device presets, the three tier models, the physical bound.
 * The measured host CPU (host.ts) is not re-exported: it loads TensorFlow.js, which nothing that
 * only needs a tier name or a device should pay for; import it lazily from './host.js'. */
export { type DeviceSpec, type TierParams, DevicePresetSchema, loadDevice, resolveDevice } from './device.js';
export { BASELINE_WEIGHT_FORMATS, type BaselineFormat, type BaselineWeightFormat, type LowBitStorage, STORED_BYTES, type StoredFormat } from './opcost.js';
export { type BaselineOptions, type BaselineResult, type LayerTiming, type OpTiming, type Tier, TIER_NAMES, TIERS, baselineDecode } from './tiers.js';
export { gemvBandwidthBound, idealGpuWithBandwidth } from './bound.js';
export { CALIBRATION_POINTS, CALIBRATION_TOLERANCE, type CalibrationPoint } from './calibration.js';
