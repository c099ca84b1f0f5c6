/**
 * Who may do what through the API. Roles are sets of permissions, not a ladder: an approver decides
 * but does not start incidents, an operator starts them but does not decide (two people per change).
 * `answer` is telling cloud-medic how an incident went (was it resolved, was its alarm expected):
 * whoever handled it may, the person who approved the fix as much as the one who started it.
 */
export const PERMISSIONS = ['read', 'operate', 'decide', 'answer', 'admin', 'alerts'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_PERMISSIONS: Record<Role | 'alert-sender', readonly Permission[]> = {
  viewer: ['read'],
  operator: ['read', 'operate', 'answer'],
  approver: ['read', 'decide', 'answer'],
  admin: ['read', 'operate', 'decide', 'answer', 'admin', 'alerts'],
  // MEDIC_ALERT_TOKEN: Alertmanager and SNS post alerts and can do nothing else.
  'alert-sender': ['alerts'],
};

export interface Principal {
  /** The token's name: the person or system acting, as the audit log and decisions record it. */
  name: string;
  role: Role | 'alert-sender';
  /** The bootstrap admin token may act on behalf of a named person (`by` in a decision); others may not. */
  bootstrap: boolean;
}

export const can = (principal: Principal, permission: Permission): boolean =>
  ROLE_PERMISSIONS[principal.role].includes(permission);
