/** Feature steps on tensors: placement, byte-to-float, fitted pixel steps, tabular steps. No tfjs. */
export { planSteps, stepPlace, type StepPlace, type StepPlan } from './steps.js';
export { toFloat } from './to-float.js';
export { applyPixelSteps, fitPixelSteps, type FittedPixelStep, type FittedPixelSteps } from './pixel-steps.js';
export { applyTable, applyTabular, fitTabular, tableContext, withImplicitOneHot } from './tabular.js';
export { sobelEdges } from './sobel.js';
