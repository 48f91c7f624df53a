export { buildSteeringRequest, computeGuidanceDirection, scaleVector, subtract } from './steering-vector.js';
export type { GuidanceOptions, GuidancePair } from './steering-vector.js';
