/** Users: GET /users, GET /users/{userId}, GET /users/{userId}/settings (users.openapi.json). */
import { json, numberedPage, paginate, requireUser, validationError, type RouteCtx, type RouteDef } from '../core.js';
import type { SandboxAccount, SandboxUser } from '../model.js';

const USER_CLASSIC = ['user:read', 'user:write', 'user:read:admin', 'user:write:admin'];

export function renderUserListItem(u: SandboxUser): Record<string, unknown> {
  const o: Record<string, unknown> = {
    id: u.id,
    first_name: u.first_name,
    last_name: u.last_name,
    display_name: u.display_name,
    email: u.email,
    type: u.type,
    pmi: u.pmi,
    timezone: u.timezone,
    verified: u.verified,
    dept: u.dept,
    // Zoom: created_at is "the date and time when this user's latest login type was created" (deprecated);
    // user_created_at is when the user was created.
    created_at: u.login_type_created_at ?? u.created_at,
    user_created_at: u.created_at,
    last_client_version: u.last_client_version,
    status: u.status,
    role_id: u.role_id,
    employee_unique_id: '',
    group_ids: u.group_ids,
    login_types: [100],
    license_info_list: u.type === 2 ? [{ license_type: 'MEETING', license_option: 2, subscription_id: 'sbxSub0001' }] : [],
  };
  if (u.status !== 'pending') o.last_login_time = u.last_login_time;
  return o;
}

export function renderUser(u: SandboxUser, account: SandboxAccount): Record<string, unknown> {
  return {
    ...renderUserListItem(u),
    role_name: u.role_name,
    pic_url: '',
    language: u.language,
    phone_number: u.phone_number,
    use_pmi: false,
    personal_meeting_url: `https://us05web.zoom.us/j/${u.pmi}?pwd=sbx${u.id.slice(0, 8)}`,
    vanity_url: '',
    account_id: account.id,
    account_number: account.account_number,
    cms_user_id: '',
    company: u.company,
    job_title: u.job_title,
    location: u.location,
    jid: `${u.id.toLowerCase().replace(/[^a-z0-9]/g, '')}@xmpp.zoom.us`,
    phone_country: u.phone_country,
    phone_numbers: u.phone_number ? [{ code: '+44', country: u.phone_country || 'GB', label: 'Office', number: u.phone_number.replace(/^\+\d{2}/, ''), verified: true }] : [],
    pronouns: '',
    pronouns_option: 3,
    cluster: 'us05',
    // No manager set: Zoom leaves the field out (the spec's `manager` is an email, never '').
    cost_center: '',
    im_group_ids: [],
    division_ids: [],
    zoom_one_type: 16,
    plan_united_type: '1',
    custom_attributes: [],
  };
}

function settings(u: SandboxUser): Record<string, unknown> {
  const licensed = u.type === 2;
  return {
    schedule_meeting: {
      audio_type: 'both',
      default_password_for_scheduled_meetings: '',
      embed_password_in_join_link: true,
      force_pmi_jbh_password: false,
      host_video: true,
      join_before_host: false,
      participants_video: false,
      personal_meeting: true,
      require_password_for_scheduling_new_meetings: true,
      use_pmi_for_scheduled_meetings: false,
      use_pmi_for_instant_meetings: false,
    },
    in_meeting: {
      allow_live_streaming: false,
      post_meeting_feedback: false,
      whiteboard: true,
      allow_participants_chat_with: 4,
      allow_users_save_chats: 2,
      annotation: true,
      attendee_on_hold: false,
      auto_saving_chat: false,
      breakout_room: true,
      chat: true,
      closed_caption: true,
      co_host: true,
      e2e_encryption: false,
      file_transfer: true,
      meeting_reactions: true,
      non_verbal_feedback: false,
      polling: true,
      private_chat: true,
      remote_control: true,
      screen_sharing: true,
      show_meeting_control_toolbar: false,
      waiting_room: true,
    },
    email_notification: {
      alternative_host_reminder: true,
      cancel_meeting_reminder: true,
      cloud_recording_available_reminder: true,
      jbh_reminder: true,
      schedule_for_reminder: true,
    },
    recording: {
      ask_host_to_confirm_disclaimer: false,
      ask_participants_to_consent_disclaimer: true,
      // auto_delete_cmr_days (30, 60, 90 or 120) comes only with auto_delete_cmr: true.
      auto_delete_cmr: false,
      auto_recording: 'none',
      cloud_recording: licensed,
      local_recording: true,
      record_audio_file: true,
      record_gallery_view: false,
      record_speaker_view: true,
      recording_audio_transcript: licensed,
      save_chat_text: true,
      show_timestamp: true,
      recording_thumbnails: true,
      display_participant_name: true,
    },
    telephony: { audio_conference_info: '', show_international_numbers_link: true, third_party_audio: false, telephony_regions: { allowed_values: ['GB', 'US'], selection_values: 'GB' } },
    feature: {
      meeting_capacity: licensed ? 300 : 100,
      large_meeting: false,
      webinar: u.webinarLicence,
      webinar_capacity: u.webinarLicence ? 500 : 0,
      zoom_phone: Boolean(u.phone),
      cn_meeting: false,
      in_meeting: false,
      concurrent_meeting: 'Basic',
      zoom_events: false,
    },
    tsp: { call_out: false, call_out_countries: [], show_international_numbers_link: false },
    profile: { recording_storage_location: { allowed_values: ['US'], value: 'US' } },
    audio_conferencing: { toll_free_and_fee_based_toll_call: { enable: false, allow_webinar_attendees_dial: false, numbers: [] } },
    whiteboard: { out_meeting_advanced_whiteboard: false, in_meeting_advanced_whiteboard: false },
  };
}

export const userRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v2/users',
    category: 'Medium',
    granular: ['user:read:list_users:admin'],
    classic: USER_CLASSIC,
    area: 'api',
    auth: 'bearer',
    spec: 'users.openapi.json users (GET /users)',
    handler: (c: RouteCtx) => {
      const status = c.query.get('status') ?? 'active';
      if (!['active', 'inactive', 'pending'].includes(status)) throw validationError('status');
      const list = c.state.account.users.filter((u) => u.status === status);
      const p = paginate(c, { key: `users|${status}`, total: list.length, maxPageSize: 2000, pageNumber: true });
      return numberedPage(p, 'users', list.slice(p.offset, p.end).map(renderUserListItem));
    },
  },
  {
    method: 'GET',
    path: '/v2/users/:userId',
    category: 'Light',
    granular: ['user:read:user:admin'],
    classic: [...USER_CLASSIC, 'user_profile', 'user_info:read'],
    area: 'api',
    auth: 'bearer',
    spec: 'users.openapi.json user (GET /users/{userId})',
    handler: (c) => json(renderUser(requireUser(c), c.state.account)),
  },
  {
    method: 'GET',
    path: '/v2/users/:userId/settings',
    category: 'Medium',
    granular: ['user:read:settings:admin'],
    classic: USER_CLASSIC,
    area: 'api',
    auth: 'bearer',
    spec: 'users.openapi.json userSettings (GET /users/{userId}/settings)',
    handler: (c) => {
      const u = requireUser(c);
      const option = c.query.get('option');
      if (option === 'meeting_authentication' || option === 'recording_authentication') {
        return json({ allow_authentication_exception: false, authentication_options: [], meeting_authentication: false });
      }
      if (option === 'meeting_security') {
        return json({ meeting_security: { auto_security: true, block_user_domain: false, embed_password_in_join_link: true, encryption_type: 'enhanced_encryption', waiting_room: true } });
      }
      return json(settings(u));
    },
  },
];
