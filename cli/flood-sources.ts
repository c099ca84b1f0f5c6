import { parseIp } from '../domain/ip-address';
import { sourcesIn } from '../domain/network-block';
import { intFlag, UsageError } from './args';

/** The most addresses `--source A,B,…` takes: a few sources flooding together, not a botnet. */
const MAX_LISTED_SOURCES = 8;

/**
 * The addresses `medic chaos traffic-flood` sends its flood from, in turn: `--source` alone is one
 * address or a few separated by commas; with `--rotate N` it is a range, and the flood comes from N
 * sources of it (a /48's /64s).
 */
export function floodSources(source: string, rotate: string | undefined): string[] {
  if (rotate === undefined) {
    const addresses = source.split(',').map((address) => address.trim());
    const bad = addresses.find((address) => !parseIp(address));
    if (bad !== undefined)
      throw new UsageError(`--source must be IPv4 or IPv6 addresses separated by commas, got "${bad}"`);
    if (addresses.length > MAX_LISTED_SOURCES)
      throw new UsageError(`--source lists ${addresses.length} addresses; at most ${MAX_LISTED_SOURCES}`);
    return addresses;
  }
  if (!source.includes('/'))
    throw new UsageError(`--rotate needs --source to be a range (a /24 or /48), got "${source}"`);
  const sources = sourcesIn(source, intFlag(rotate, 'rotate', 0, 2, 4096));
  if ('refused' in sources) throw new UsageError(`--source ${sources.refused}`);
  return sources;
}
