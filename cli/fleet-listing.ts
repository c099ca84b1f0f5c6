import type { FleetMember } from '../activities/fleet';

/**
 * `medic fleet list` as text: each fleet under its own heading, in name order. Without `--fleet`
 * every fleet is listed, so an operator who does not know the name (`make demo` makes a new one each
 * run) still finds the instances; an empty answer says what to do next instead of printing nothing.
 */
export function fleetListing(members: readonly FleetMember[], fleet?: string): string[] {
  if (members.length === 0)
    return fleet === undefined
      ? ['No fleet in this account and region yet: `medic fleet create --size 3` makes one.']
      : [`Fleet ${fleet} has no instances (not terminated); \`medic fleet list\` shows every fleet.`];
  const byFleet = new Map<string, FleetMember[]>();
  for (const m of members) {
    const rows = byFleet.get(m.fleet) ?? [];
    rows.push(m);
    byFleet.set(m.fleet, rows);
  }
  return [...byFleet.keys()].sort().flatMap((name) => {
    const rows = (byFleet.get(name) ?? []).sort((a, b) => a.instanceId.localeCompare(b.instanceId));
    return [
      `fleet ${name}: ${rows.length} instance(s)`,
      ...rows.map((r) => `  ${r.instanceId}  ${r.state.padEnd(8)}  mode=${r.mode}`),
    ];
  });
}
