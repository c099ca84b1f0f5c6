import { parseIp } from '../domain/ip-address';
import { sourcesIn } from '../domain/network-block';
import { intFlag, UsageError } from './args';

/**
 * The addresses `medic chaos traffic-flood` sends its flood from: `--source` alone is one address;
 * with `--rotate N` it is a range, and the flood comes from N sources of it in turn (a /48's /64s).
 */
export function floodSources(source: string, rotate: string | undefined): string[] {
  if (rotate === undefined) {
    if (!parseIp(source)) throw new UsageError(`--source must be an IPv4 or IPv6 address, got "${source}"`);
    return [source];
  }
  if (!source.includes('/'))
    throw new UsageError(`--rotate needs --source to be a range (a /24 or /48), got "${source}"`);
  const sources = sourcesIn(source, intFlag(rotate, 'rotate', 0, 2, 4096));
  if ('refused' in sources) throw new UsageError(`--source ${sources.refused}`);
  return sources;
}
