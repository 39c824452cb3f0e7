/** Energy of PIM runs: tables (presets), per-action figures, and the model over a run's stats. */
export { energyTableFor, listEnergyTables, loadEnergy, type EnergyPreset, type EnergyTable } from './table.js';
export { actionField, asicOpEnergy, macBankColumnFigure, puColumnFigure, type Figure } from './figures.js';
export { asicOpsOf, energyOf, ENERGY_COMPONENTS, formatEnergyReport, type EnergyComponent, type EnergyComponentName, type EnergyOptions, type EnergyReport } from './model.js';
