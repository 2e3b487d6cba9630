/** The request ledger: storage, deadlines, data minimisation, resume. See ledger.ts for the layout. */
export { Ledger } from './ledger.js';
export { checkPackage, deletePackage, personParts, PACKAGE_MARKER, REQUEST_ID_RE, type PackageCheck } from './package-guard.js';
export * from './types.js';
export {
  acknowledgeBy,
  addBusinessDays,
  addCalendarMonths,
  addDays,
  daysUntil,
  dueDate,
  isoDay,
  parseDateArg,
  parseRegime,
  urgency,
  DUE_SOON_DAYS,
  REGIMES,
  type Urgency,
} from './deadlines.js';
export { personReplacements, scrub, shortHash, subjectLabel } from './privacy.js';
export { resumeRefusal } from './resume.js';
export {
  ACTIONS,
  clockRuns,
  currentApproval,
  currentCopy,
  isOpen,
  kindOf,
  lateAtEntry,
  releaseGate,
  sentRecord,
  stageOf,
  STAGES,
  type Approval,
  type Encryption,
  type Gate,
  type Kind,
  type Stage,
} from './lifecycle.js';
export {
  describeIdentity,
  identityInput,
  identityMissing,
  REQUESTER_KINDS,
  type IdentityInput,
  type IdentityRecord,
  type IdentitySkip,
  type IdentityState,
  type ReleaseStep,
  type RequesterKind,
} from './identity.js';
export { IdentityRequiredError, recordIdentityGiven, requireIdentity, type IdentityGiven } from './identity-gate.js';
export { METRICS_TYPES, median, yearMetrics, type MetricsType, type TypeMetrics, type YearMetrics } from './metrics.js';
