/** Tags cloud-medic reads and writes on cloud resources. */
export const FLEET_TAG = 'medic:fleet';
export const MODE_TAG = 'medic:mode';
export const PROTECT_TAG = 'medic:protect';
export const LAUNCH_TEMPLATE_TAG = 'medic:launch-template-id';
export const IDEMPOTENCY_TAG = 'medic:idempotency-key';
export const REPLACES_TAG = 'medic:replaces';
/**
 * On instances a deploy launched, `<deploy id>/<step>`: a retried step finds them instead of launching
 * more, and diagnosis tells an incident on a freshly deployed instance.
 */
export const DEPLOY_TAG = 'medic:deploy';
/**
 * On an instance, the databases it uses, comma-separated (`db-orders, cache-1`): EC2 does not know
 * them, and the root-cause ranking needs them to tell a failing database from its instances.
 */
export const DATABASES_TAG = 'medic:databases';
/** The tag EC2 Auto Scaling puts on the instances it launches: the group's name. */
export const AUTOSCALING_GROUP_TAG = 'aws:autoscaling:groupName';
