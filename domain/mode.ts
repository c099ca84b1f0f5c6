import type { Mode } from './incident';

/**
 * The mode of an incident: an explicit request wins, then the resource's `medic:mode` tag (so
 * operators can mark critical resources MANUAL), then the configured default.
 */
export function resolveMode(
  requested: Mode | undefined,
  resourceTag: Mode | undefined,
  configured: Mode,
): Mode {
  return requested ?? resourceTag ?? configured;
}

export function parseModeTag(value: string | undefined): Mode | undefined {
  const normalised = value?.trim().toLowerCase();
  return normalised === 'auto' || normalised === 'manual' ? normalised : undefined;
}
