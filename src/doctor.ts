import type { Plan, ZoomCredentials } from './config.js';
import { checkFeatures, checkWorkplace, type FeatureCheck, type ProductCheck } from './doctor-features.js';
import type { Logger } from './run-context.js';
import { ZoomClient } from './zoom/client.js';
import { ZoomApiError, ZoomConnectionError } from './zoom/errors.js';
import { PLAN_DAILY, PLAN_LIMITS } from './zoom/limiter.js';
import { route } from './zoom/route.js';
import { COMMAND_OPERATIONS, checkScopes, type ScopeCheck } from './zoom/scopes.js';

export interface DoctorReport {
  api_url: string;
  oauth_url: string;
  token: 'ok';
  granted_scopes: string[];
  commands: Record<string, { ready: boolean; missing: ScopeCheck[] }>;
  zoom_phone: 'yes' | 'no' | 'unknown';
  zoom_phone_detail?: string;
  /** Beyond scopes: the Chat Messages permission (Team Chat) and AI Companion summaries. */
  features: { team_chat: FeatureCheck; ai_summaries: FeatureCheck };
  /** Zoom Workplace products (issue 27): licensed, permitted, scopes to add; reads no admin app can be granted. */
  workplace: { products: Record<string, ProductCheck>; user_level_only: string[] };
  plan: Plan;
  rate_limits: Record<string, string>;
}

/** Get a token, compare its scopes with what each command sends, and see whether the account has Zoom Phone. */
export async function runDoctor(credentials: ZoomCredentials, plan: Plan, signal: AbortSignal, logger: Logger): Promise<DoctorReport> {
  const client = new ZoomClient({ credentials, plan, signal, logger, maxRetries: 2 });
  try {
    const granted = await client.auth.scopes();
    const commands: DoctorReport['commands'] = {};
    for (const [cmd, ops] of Object.entries(COMMAND_OPERATIONS)) {
      const missing = checkScopes(granted, ops).filter((c) => !c.granted);
      commands[cmd] = { ready: missing.length === 0, missing };
    }
    let phone: DoctorReport['zoom_phone'] = 'unknown';
    let detail: string | undefined;
    try {
      await client.get(route('GET', '/phone/users'), { page_size: 1 });
      phone = 'yes';
    } catch (e) {
      // An API server that cannot be reached is not "no Zoom Phone": the whole check failed (exit 1).
      if (e instanceof ZoomConnectionError) throw e;
      if (e instanceof ZoomApiError && !e.isMissingScope && (e.status === 403 || e.status === 404 || e.status === 400)) phone = 'no';
      detail = e instanceof ZoomApiError ? `${e.status}${e.code ? ` code ${e.code}` : ''}: ${e.zoomMessage}` : (e as Error).message;
    }
    const features = await checkFeatures(client);
    const workplace = await checkWorkplace(client, granted, new Date().toISOString().slice(0, 10));
    const limits = PLAN_LIMITS[plan];
    const daily = PLAN_DAILY[plan];
    const rate_limits = Object.fromEntries(
      Object.entries(limits).map(([cat, l]) => [cat, `${l.limit}/${l.windowMs === 1000 ? 's' : 'min'}${daily[cat as keyof typeof daily] ? `, ${daily[cat as keyof typeof daily]}/day` : ''}`]),
    );
    if (daily['heavy+resource']) rate_limits['heavy+resource daily'] = `${daily['heavy+resource']}/day`;
    return { api_url: credentials.apiUrl, oauth_url: credentials.oauthUrl, token: 'ok', granted_scopes: granted, commands, zoom_phone: phone, ...(detail ? { zoom_phone_detail: detail } : {}), features, workplace, plan, rate_limits };
  } finally {
    await client.close();
  }
}
