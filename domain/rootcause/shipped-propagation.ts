import type { PropagationModel } from './propagation';

/**
 * Learnt by `trainPropagationModel(1, 3000)` on the default cascade noise; a unit test re-learns it,
 * so this literal cannot drift from the code that made it. `medic eval rootcause` compares it.
 */
export const SHIPPED_PROPAGATION_MODEL: PropagationModel = {
  type: 'propagation',
  version: 'rootcause-propagation-1',
  propagation: 0.8515,
  root: [
    0.3841, 0.3377, 0.3642, 0.351, 0.3245, 0.4106, 0.0066, 0.0066, 0.0066, 0.0066, 0.0066, 0.0066, 0.0066,
    0.0066, 3.1325, 2.9205, 3.2583, 2.7351, 2.8874, 2.8411,
  ],
  affected: [
    0.0033, 0.0033, 0.0033, 0.0033, 0.0033, 0.0033, 0.0033, 0.0033, 0.0033, 0.0033, 0.0033, 2.3147, 2.2381,
    2.2648, 2.1948, 2.2448, 2.1848, 2.0716, 2.0849, 2.3647,
  ],
  unaffected: [
    3.2697, 3.3225, 3.2462, 3.3135, 3.3493, 3.3048, 0.0004, 0.0004, 0.0004, 0.0004, 0.0203, 0.0203, 0.0152,
    0.0228, 0.0166, 0.0221, 0.0221, 0.0192, 0.017, 0.017,
  ],
};
