import { progressBar, silentProgress } from './progress';
import { costAgentWorkflowId } from '../workflows/cost-agent';
import { stopMonitoringSignal } from '../workflows/messages';
import { createAwsClients } from '../activities/aws-clients';
import { createChaos, exfiltrationFlows, trafficFlood } from '../activities/chaos';
import { createBalancerChaos } from '../activities/balancer-chaos';
import { floodSources } from './flood-sources';
import {
  createFleet,
  fleetMember,
  fleetSizeReader,
  listEveryFleetsInstances,
  listFleetInstances,
} from '../activities/fleet';
import { fleetListing } from './fleet-listing';
import { ConfigError, loadConfig, type MedicConfig } from '../domain/config';
import { parseIp } from '../domain/ip-address';
import { startMonitor, stopMonitor } from '../activities/monitor-starter';
import { TASK_QUEUES } from '../domain/config';
import {
  durationFlag,
  fleetFlag,
  instanceIdFlag,
  intFlag,
  ConflictError,
  NotFoundError,
  parseFlags,
  requireFlag,
  UsageError,
} from './args';
import { detectCommand } from './detect';
import { failureChain } from './failure-chain';
import { ApiCallError } from './api-client';
import { EXIT, incidentsCommand } from './incidents';
import { auditCommand, tokensCommand } from './tokens';
import { maintenanceCommand } from './maintenance';
import { chatCommand } from './chat';
import { tasksCommand } from './tasks';
import { evalCommand } from './eval';
import { modelCommand, scheduleCommand } from './models';
import { complianceCommand } from './compliance';
import { deployCommand } from './deploy';
import { codeCommand } from './code';
import { scaleCommand } from './scale';
import {
  formatMonitoredDetector,
  formatRunningMonitors,
  monitorFleetOf,
  shownDetector,
} from './monitor-show';
import { runningMonitors } from '../activities/monitor-reader';
import { withTemporal } from '../workers/temporal-client';

/** The SDK's own message names no way out; the two settings a user has are. */
const NO_AWS_CREDENTIALS = [
  'The local stack: `source scripts/env.sh` (its emulator endpoint and placeholder credentials).',
  'Real AWS: AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and no AWS_ENDPOINT_URL.',
].join('\n');

const USAGE = `usage: medic <command>

  fleet create --size N [--fleet NAME] [--manual N] [--ami AMI_ID] [--no-monitor] [--json]
  fleet list [--fleet NAME] [--json]                 (every fleet, or one)
  chaos stop-instance --instance ID
  chaos status-check-failed --instance ID
  chaos cpu-spike --instance ID
  chaos latency --instance ID                        (the application's p99 latency far above normal)
  chaos traffic-surge --instance ID                  (inbound traffic 30x its usual half hour: a scale-out in a group)
  chaos request-surge --instance ID                  (the application's requests 30x their usual half hour: the same)
  chaos not-serving --instance ID [--whole-group]    (a group member's application dies while its siblings serve: a reboot; or every member's at once)
  chaos egress-surge --instance ID [--to ADDRESS]    (outbound traffic 60x its usual half hour: isolation, on a person's word;
                                                     --to a MEDIC_TRUSTED_EGRESS address: closed with nothing isolated)
  chaos traffic-flood --source IP[,IP…] [--fleet NAME] [--flows 1500]   (flow logs with one source flooding, or a few in turn; IPv4 or IPv6)
  chaos traffic-flood --source RANGE --rotate N [--fleet NAME]     (the same flood rotating through N sources of a /24 or /48)
  chaos idle --instance ID                           (near-zero CPU and traffic: the cost agent's case)
  chaos disk-fill --instance ID                      (root disk usage climbing: predictive maintenance's case)
  chaos memory-leak --instance ID                    (memory use climbing toward exhaustion)
  chaos memory-pressure --instance ID                (memory nearly full and swapping: one size up is offered)
  chaos error-drift --instance ID                    (the application's error rate drifting up toward failure)
  cost watch [--fleet NAME] [--window 24h] [--interval 300] [--mode manual|auto]
  cost stop [--fleet NAME]
  chaos open-port [--fleet NAME] [--port 22]        (a sensitive port open to 0.0.0.0/0: the security agent's fault)
  deploy start --group NAME --version N [--strategy canary|blue-green] [--steps 1,50%,100%] [--bake 5m]
               [--mode auto|manual] [--timeout 1h] [--follow]   (rolls back by itself on a bad signal)
  deploy status|promote|rollback --group NAME [--by NAME] [--reason TEXT] [--json]
  code generate "write a function that uploads a file to S3" [--out DIR] [--json]   (tested against the emulator)
  code check FILE.ts [--fix] [--patch OUT.patch] [--write] [--json]   (type checker + ESLint, autofixes as a patch)
  compliance scan [--fleet NAME] [--mode manual|auto] [--json]   (encryption, public buckets, logging, open ports)
  monitor start [--fleet NAME] [--interval SECONDS]
  monitor stop [--fleet NAME]
  monitor list [--json]                                            the running monitors and the instances each watches
  monitor show --instance ID [--fleet NAME] [--latency|--network|--egress|--requests] [--json]   what the monitor takes for usual, hour by hour (--fleet: when more than one watches it)
  incidents list [--status S] [--resource ID] [--mode auto|manual] [--json]
  incidents show --id ID [--json]
  incidents approve|decline|manual --id ID [--id ID …] [--by NAME] [--reason TEXT] [--json]   (several: one decision each, decision 0071)
  incidents lift --id ID [--by NAME] [--reason TEXT] [--json]   lift a traffic-flood incident's block before its hour is up
  incidents expected|fault --id ID [--json]        was a detector's alarm the service's weekly habit, or a fault? (teaches its monitor)
  incidents feedback --id ID --resolved yes|no --rating 1-5 [--comment TEXT] [--json]   "Was your issue resolved?" (feeds the policy's reward)
  incidents ratings [--json]                       each agent's rating from those answers
  tasks add --file TASK.yaml|TASK.json
  tasks list|show --name NAME [--json]
  tasks run --name NAME [--param k=v]... [--key IDEMPOTENCY_KEY] [--json]
  tasks status|approve|decline --id RUN_ID [--by NAME] [--reason TEXT]
  tokens create --name NAME --role viewer|operator|approver|admin [--json]
  tokens list [--json]
  tokens revoke --id ID
  maintenance start --instances ID[,ID…] | --fleet NAME --for 2h --reason TEXT [--from ISO-TIME] [--json]
                                                     (planned work: alerts on them open nothing, the monitor passes over them)
  maintenance list [--json]
  maintenance end --id ID
  chat "what is open right now?" [--json]   (plain language: list, show, approve, decline, explain)
  audit [--incident ID] [--actor NAME] [--action ACTION] [--limit N] [--json]
  model retrain NAME [--examples N] [--json]           (NAME: detector, rootcause, remediation-policy, demand-forecast;
                                                       --model NAME also works, here and below)
  model list [NAME] [--json]                           (every model's active version; one model's versions)
  model rollback NAME [--json]
  model monitor [--floors remediation-policy=0.8,detector=0.6] [--min-samples 10] [--window 24h] [--json]
  schedule create retrain --model NAME --every 24h [--examples N]
  schedule create model-monitor --every 1h [--floors remediation-policy=0.8,detector=0.6] [--min-samples 10] [--window 24h]
  schedule create compliance --fleet NAME --every 24h [--mode manual|auto]
  schedule list [--json]
  schedule pause|unpause|trigger|delete ID          (or --id ID)
  scale watch --group NAME [--target 60] [--min 1] [--max 10] [--cooldown 300] [--interval 60]
              [--predictive [--boot 300] [--refit-above PCT]]   (a daily demand forecast scales out ahead
              of demand; refitted daily, and early when its live one-step error passes PCT %)
  scale status --group NAME [--json]   (the agent's last decision, forecast, live error, recent changes)
  scale stop --group NAME
  detect --input FILE.csv|DIR --output OUT.csv|DIR
  detect --metric NAME (--instance ID | --namespace NS [--dimension Name=Value]...) [--stat Average] [--since 14d]
         [--period 300] --output OUT.csv   (a metric's history from CloudWatch, scored the same way)
  eval detector [--dataset DIR] [--json]
  eval policy [--seed N] [--train N] [--incidents N] [--json]
  eval rootcause [--seed N] [--train N] [--cascades N] [--json]
  eval intents [--set FILE.tsv] [--json]
  eval scaling [--trace FILE.csv|DIR]... [--boot-delay MINUTES] [--capacity N] [--smoothing A,B,G] [--json]
  eval forecast [--trace FILE.csv|DIR]... [--json]   (demand-forecast: shipped vs trained smoothing, one-step accuracy)

Exit codes: 0 done, 1 failure, 2 bad usage or input, 3 not found, 4 not in a state that allows it.
Environment: AWS_ENDPOINT_URL (the local emulator; unset for real AWS), AWS_REGION, TEMPORAL_ADDRESS,
MEDIC_API_URL and MEDIC_API_TOKEN (default: the local API and .data/admin-token).`;

/**
 * The usage entries of one command (`medic model …`), with their continuation lines: what a usage
 * error about that command prints, so the error stays on the screen above a few lines rather than
 * above the whole list. Empty for a command the usage does not know.
 */
export function usageOf(command: string | undefined): string {
  const entries: string[][] = [];
  for (const line of USAGE.split('\n')) {
    if (/^ {2}\S/.test(line)) entries.push([line]);
    else if (/^ {3,}\S/.test(line)) entries.at(-1)?.push(line);
  }
  return entries
    .filter(([first]) => command !== undefined && first?.trim().split(' ')[0] === command)
    .flat()
    .join('\n');
}

async function fleetCommand(sub: string | undefined, args: string[], config: MedicConfig): Promise<void> {
  const aws = createAwsClients({ region: config.awsRegion, endpoint: config.awsEndpoint });
  if (sub === 'create') {
    const flags = parseFlags(args, {
      size: { type: 'string' },
      fleet: { type: 'string' },
      manual: { type: 'string' },
      ami: { type: 'string' },
      'no-monitor': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const size = intFlag(flags.size, 'size', 3, 1, 50);
    const manualCount = intFlag(flags.manual, 'manual', 0, 0, size);
    const fleet = fleetFlag(flags.fleet);
    // One unit for the network and launch template, one per instance.
    const bar = flags.json ? silentProgress : progressBar(`creating fleet ${fleet}`, size + 1);
    const summary = await createFleet(aws, { fleet, size, manualCount, imageId: flags.ami }, (msg) =>
      bar.tick(1, msg),
    );
    bar.done();
    let monitor: string | undefined;
    if (!flags['no-monitor']) {
      monitor = await withTemporal(config, (client) =>
        startMonitor(client, fleet, config.detectionIntervalSeconds),
      );
    }
    if (flags.json) {
      console.log(JSON.stringify({ ...summary, monitorWorkflowId: monitor }));
    } else {
      console.log(`fleet ${fleet}: ${summary.instances.length} instance(s)`);
      for (const i of summary.instances)
        console.log(`  ${i.instanceId}  ${i.state.padEnd(8)}  mode=${i.mode}`);
      if (monitor)
        console.log(`monitoring: workflow ${monitor} polls every ${config.detectionIntervalSeconds}s`);
    }
    return;
  }
  if (sub === 'list') {
    const flags = parseFlags(args, { fleet: { type: 'string' }, json: { type: 'boolean' } });
    const fleet = flags.fleet === undefined ? undefined : fleetFlag(flags.fleet);
    const instances =
      fleet === undefined
        ? await listEveryFleetsInstances(aws.ec2)
        : await listFleetInstances(aws.ec2, fleet);
    const rows = instances.map(fleetMember);
    if (flags.json) console.log(JSON.stringify(rows));
    else for (const line of fleetListing(rows, fleet)) console.log(line);
    return;
  }
  throw new UsageError(`unknown fleet command "${sub ?? ''}"`);
}

async function chaosCommand(sub: string | undefined, args: string[], config: MedicConfig): Promise<void> {
  const aws = createAwsClients({ region: config.awsRegion, endpoint: config.awsEndpoint });
  const chaos = createChaos(aws.ec2, aws.cloudwatch);
  const faults: Record<string, (id: string) => Promise<void>> = {
    'stop-instance': chaos.stopInstance,
    'status-check-failed': chaos.statusCheckFailed,
    'cpu-spike': chaos.cpuSpike,
    latency: chaos.latency,
    'traffic-surge': chaos.trafficSurge,
    'request-surge': chaos.requestSurge,
    idle: (id) => chaos.idle(id),
    'disk-fill': (id) => chaos.diskFill(id),
    'memory-leak': (id) => chaos.memoryLeak(id),
    'memory-pressure': (id) => chaos.memoryPressure(id),
    'error-drift': (id) => chaos.errorDrift(id),
  };
  if (sub === 'traffic-flood') {
    const flags = parseFlags(args, {
      fleet: { type: 'string' },
      source: { type: 'string' },
      rotate: { type: 'string' },
      flows: { type: 'string' },
    });
    const fleet = fleetFlag(flags.fleet);
    const source = requireFlag(flags.source, 'source');
    const flows = intFlag(flags.flows, 'flows', 1500, 1, 100_000);
    const sources = floodSources(source, flags.rotate);
    const key = await trafficFlood(aws.s3, config.flowLogBucket, fleet, sources, flows);
    const from = flags.rotate
      ? `${sources.length} sources of ${source} in turn`
      : sources.length > 1
        ? `${sources.join(', ')} in turn`
        : source;
    console.log(
      `delivered ${flows} flows from ${from} among ordinary traffic: s3://${config.flowLogBucket}/${key}`,
    );
    return;
  }
  if (sub === 'egress-surge') {
    const flags = parseFlags(args, { instance: { type: 'string' }, to: { type: 'string' } });
    const instanceId = instanceIdFlag(flags.instance);
    if (flags.to !== undefined && !parseIp(flags.to))
      throw new UsageError(`--to must be an IPv4 or IPv6 address, got "${flags.to}"`);
    await chaos.egressSurge(instanceId);
    const flows = await exfiltrationFlows(aws.ec2, aws.s3, config.flowLogBucket, instanceId, flags.to);
    console.log(
      `injected egress-surge on ${instanceId}: outbound traffic about 12 MB/s, flow logs sending most of it to ${flows.destination}:443 (s3://${config.flowLogBucket}/${flows.key})`,
    );
    return;
  }
  if (sub === 'not-serving') {
    const flags = parseFlags(args, { instance: { type: 'string' }, 'whole-group': { type: 'boolean' } });
    const instanceId = instanceIdFlag(flags.instance);
    if (flags['whole-group']) {
      const members = await chaos.groupStopsServing(instanceId);
      // Only the emulator takes the balancer's own metrics from anyone but the balancer.
      const group = await chaos.groupOf(instanceId);
      const balancers = config.awsEndpoint
        ? await createBalancerChaos(aws).routedUnanswered(group, members.length)
        : [];
      const by = !config.awsEndpoint
        ? '; a balancer in front of them publishes what it routes them, and the monitor reads it (decision 0070)'
        : balancers.length
          ? `; its load balancer ${balancers.join(', ')} still routes them about ${40 * members.length} requests a second that nobody answers, so the monitor opens a critical MANUAL not-serving incident on each (decision 0070)`
          : '; behind no balancer the monitor reports nothing (silence may be no demand), and a balancer alarm on UnHealthyHostCount opens a critical MANUAL incident on each (decision 0067)';
      console.log(
        `injected not-serving on the whole group of ${instanceId}: the requests of all ${members.length} running member(s) stopped a minute ago (${members.join(', ')})${by}`,
      );
      return;
    }
    const siblings = await chaos.stopServing(instanceId);
    console.log(
      `injected not-serving on ${instanceId}: its requests stopped a minute ago while ${siblings.length} sibling(s) serve about 40 a second (${siblings.join(', ')})`,
    );
    return;
  }
  if (sub === 'open-port') {
    const flags = parseFlags(args, { fleet: { type: 'string' }, port: { type: 'string' } });
    const fleet = fleetFlag(flags.fleet);
    const port = intFlag(flags.port, 'port', 22, 1, 65535);
    const groupId = await chaos.openPortToWorld(fleet, port);
    console.log(`opened tcp ${port} to 0.0.0.0/0 on ${groupId} (fleet ${fleet})`);
    return;
  }
  const inject = sub ? faults[sub] : undefined;
  if (!inject)
    throw new UsageError(
      `unknown chaos command "${sub ?? ''}"; one of ${Object.keys(faults).join(', ')}, egress-surge, not-serving, open-port, traffic-flood`,
    );
  const flags = parseFlags(args, { instance: { type: 'string' } });
  const instanceId = instanceIdFlag(flags.instance);
  await inject(instanceId);
  console.log(`injected ${sub} on ${instanceId}`);
}

async function monitorCommand(sub: string | undefined, args: string[], config: MedicConfig): Promise<void> {
  if (sub === 'show') return monitorShow(args, config);
  if (sub === 'list') return monitorList(args, config);
  const flags = parseFlags(args, { fleet: { type: 'string' }, interval: { type: 'string' } });
  const fleet = fleetFlag(flags.fleet);
  if (sub === 'start') {
    const interval = intFlag(flags.interval, 'interval', config.detectionIntervalSeconds, 1, 3600);
    const id = await withTemporal(config, (client) => startMonitor(client, fleet, interval));
    console.log(`monitoring fleet ${fleet}: workflow ${id}`);
    return;
  }
  if (sub === 'stop') {
    await withTemporal(config, (client) => stopMonitor(client, fleet));
    console.log(`stopping the monitor of fleet ${fleet}`);
    return;
  }
  throw new UsageError(`unknown monitor command "${sub ?? ''}"; one of start, stop, list, show`);
}

/** `medic monitor list`: the running fleet monitors and the series each keeps a detector for. */
async function monitorList(args: string[], config: MedicConfig): Promise<void> {
  const flags = parseFlags(args, { json: { type: 'boolean' } });
  const aws = createAwsClients({ region: config.awsRegion, endpoint: config.awsEndpoint });
  const monitors = await withTemporal(config, (client) => runningMonitors(client, fleetSizeReader(aws.ec2)));
  console.log(flags.json ? JSON.stringify({ monitors }) : formatRunningMonitors(monitors));
}

/** `medic monitor show --instance ID`: what the fleet monitor takes for usual for one instance. */
async function monitorShow(args: string[], config: MedicConfig): Promise<void> {
  const flags = parseFlags(args, {
    fleet: { type: 'string' },
    instance: { type: 'string' },
    latency: { type: 'boolean' },
    network: { type: 'boolean' },
    egress: { type: 'boolean' },
    requests: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const instanceId = instanceIdFlag(flags.instance);
  const asked = (['latency', 'network', 'egress', 'requests'] as const).filter((m) => flags[m]);
  if (asked.length > 1)
    throw new UsageError(`${asked.map((m) => `--${m}`).join(' and ')}: give one metric, not several`);
  const metric = asked[0] ?? 'cpu';
  const detector = await withTemporal(config, async (client) => {
    const fleet =
      flags.fleet === undefined ? await monitorFleetOf(client, instanceId) : fleetFlag(flags.fleet);
    return shownDetector(client, fleet, instanceId, metric);
  });
  console.log(flags.json ? JSON.stringify(detector) : formatMonitoredDetector(detector));
}

async function costCommand(sub: string | undefined, args: string[], config: MedicConfig): Promise<void> {
  const flags = parseFlags(args, {
    fleet: { type: 'string' },
    window: { type: 'string' },
    interval: { type: 'string' },
    mode: { type: 'string' },
  });
  const fleet = fleetFlag(flags.fleet);
  const workflowId = costAgentWorkflowId(fleet);
  if (sub === 'stop') {
    await withTemporal(config, (client) =>
      client.workflow.getHandle(workflowId).signal(stopMonitoringSignal),
    );
    console.log(`stopping the cost agent of fleet ${fleet}`);
    return;
  }
  if (sub !== 'watch') throw new UsageError(`unknown cost command "${sub ?? ''}"; one of watch, stop`);
  const windowMs = durationFlag(flags.window ?? '24h', 'window', { example: '24h', minimum: '1m' });
  const mode = flags.mode ?? 'manual';
  if (mode !== 'manual' && mode !== 'auto')
    throw new UsageError(`--mode must be manual or auto, got "${mode}"`);
  const intervalSeconds = intFlag(flags.interval, 'interval', 300, 5, 86_400);
  await withTemporal(config, (client) =>
    client.workflow.start('costAgentWorkflow', {
      workflowId,
      taskQueue: TASK_QUEUES.cost,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [
        {
          fleet,
          intervalSeconds,
          windowSeconds: windowMs / 1000,
          periodSeconds: config.metricPeriodSeconds,
          mode,
        },
      ],
    }),
  );
  console.log(
    `cost agent ${workflowId}: proposes stopping instances idle for ${flags.window ?? '24h'} (${mode.toUpperCase()})`,
  );
}

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    const config = loadConfig(process.env);
    if (command === 'fleet') await fleetCommand(sub, rest, config);
    else if (command === 'chaos') await chaosCommand(sub, rest, config);
    else if (command === 'monitor') await monitorCommand(sub, rest, config);
    else if (command === 'incidents') await incidentsCommand(sub, rest, config);
    else if (command === 'tokens') await tokensCommand(sub, rest, config);
    else if (command === 'maintenance') await maintenanceCommand(sub, rest, config);
    else if (command === 'tasks') await tasksCommand(sub, rest, config);
    else if (command === 'audit') await auditCommand(sub ? [sub, ...rest] : rest, config);
    else if (command === 'chat') await chatCommand(sub ? [sub, ...rest] : rest, config);
    else if (command === 'detect') await detectCommand(argv.slice(1), config);
    else if (command === 'scale') await scaleCommand(sub, rest, (fn) => withTemporal(config, fn));
    else if (command === 'cost') await costCommand(sub, rest, config);
    else if (command === 'eval') evalCommand(sub, rest);
    else if (command === 'model') await modelCommand(sub, rest, config, (fn) => withTemporal(config, fn));
    else if (command === 'schedule') await scheduleCommand(sub, rest, (fn) => withTemporal(config, fn));
    else if (command === 'compliance') await complianceCommand(sub, rest, (fn) => withTemporal(config, fn));
    else if (command === 'deploy') await deployCommand(sub, rest, (fn) => withTemporal(config, fn));
    else if (command === 'code') return await codeCommand(sub, rest, config);
    else if (command === undefined || command === 'help' || command === '--help') {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    } else throw new UsageError(`unknown command "${command}"`);
    return 0;
  } catch (err) {
    if (err instanceof ApiCallError) {
      console.error(`medic: ${err.message}`);
      return err.status === 404
        ? EXIT.notFound
        : err.status === 409
          ? EXIT.conflict
          : err.status < 500
            ? EXIT.usage
            : EXIT.failure;
    }
    // By name, not instanceof: the same error class can come from another copy of the SDK.
    if ((err instanceof Error && err.name === 'WorkflowNotFoundError') || err instanceof NotFoundError) {
      console.error(`medic: ${err.message}`);
      return EXIT.notFound;
    }
    if (err instanceof ConflictError) {
      console.error(`medic: ${err.message}`);
      return EXIT.conflict;
    }
    if (err instanceof UsageError) {
      const own = usageOf(command);
      console.error(
        own
          ? `medic: ${err.message}\n\nusage:\n${own}\n\nEvery command: medic help`
          : `medic: ${err.message}\n\n${USAGE}`,
      );
      return 2;
    }
    // By name: the file's line says what to fix; the usage would bury it.
    if (err instanceof Error && err.name === 'MalformedInputError') {
      console.error(`medic: ${err.message}`);
      return EXIT.usage;
    }
    if (err instanceof ConfigError) {
      console.error(`medic: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof Error && err.name === 'CredentialsProviderError') {
      console.error(`medic: ${err.message}\n\n${NO_AWS_CREDENTIALS}`);
      return 2;
    }
    console.error(`medic: ${failureChain(err)}`);
    return 1;
  }
}
