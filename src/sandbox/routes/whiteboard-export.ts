/**
 * Zoom Whiteboard's export (whiteboard.openapi.json, all Medium): POST /whiteboards/export makes a task for
 * up to 50 whiteboards, its status is "processing" when first asked and "successed" from then on, and the
 * task's download is a ZIP with a PDF per whiteboard and the audit log. Tasks live as long as the sandbox.
 */
import yazl from 'yazl';
import { json, ZoomError, type RouteCtx, type RouteDef, type SandboxState } from '../core.js';

type Rec = Record<string, unknown>;
interface Task {
  ids: string[];
  asked: number;
}
const TASKS = new WeakMap<SandboxState, Map<string, Task>>();
const tasksOf = (s: SandboxState) => {
  let m = TASKS.get(s);
  if (!m) TASKS.set(s, (m = new Map()));
  return m;
};
const OFF = () => new ZoomError(403, 111804, 'Permission is needed to access this document.');

function boardsOf(c: RouteCtx): Rec[] {
  const w = c.state.account.workplace;
  if (!w?.enabled.whiteboards) throw OFF();
  return w.whiteboards.map((x) => x.data);
}

function task(c: RouteCtx): Task {
  boardsOf(c);
  const t = tasksOf(c.state).get(c.params.taskId ?? '');
  if (!t) throw new ZoomError(404, 34002, `The task ${c.params.taskId ?? ''} not found.`);
  return t;
}

export const whiteboardExportRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/v2/whiteboards/export',
    category: 'Medium',
    granular: ['whiteboard:write:export', 'whiteboard:write:export:admin'],
    classic: ['whiteboard_export:write:admin', 'whiteboard_export:write'],
    area: 'api',
    auth: 'bearer',
    spec: 'whiteboard.openapi.json Createwhiteboardsexport',
    handler: (c) => {
      const boards = boardsOf(c);
      const ids = (c.body as { whiteboard_ids?: unknown } | undefined)?.whiteboard_ids;
      if (!Array.isArray(ids) || ids.length < 1 || !ids.every((x) => typeof x === 'string')) throw new ZoomError(400, 400, 'Bad Request');
      // "if more than 50, the API will intercept the first 50".
      const kept = [...new Set(ids as string[])].slice(0, 50);
      const missing = kept.find((id) => !boards.some((b) => b.whiteboard_id === id));
      if (missing) throw new ZoomError(404, 34002, `The whiteboard ${missing} not found.`);
      const taskId = `wbx${tasksOf(c.state).size + 1}${Math.floor(c.now).toString(36)}`;
      tasksOf(c.state).set(taskId, { ids: kept, asked: 0 });
      return json({ task_id: taskId });
    },
  },
  {
    method: 'GET',
    path: '/v2/whiteboards/export/task/:taskId/status',
    category: 'Medium',
    granular: ['whiteboard:read:export', 'whiteboard:read:export:admin'],
    classic: ['whiteboard_content:read:admin', 'whiteboard_content:read'],
    area: 'api',
    auth: 'bearer',
    spec: 'whiteboard.openapi.json Getwhiteboardexportdatagenerationstatus',
    handler: (c) => {
      const t = task(c);
      t.asked++;
      const done = t.asked > 1;
      return json({ status: done ? 'successed' : 'processing', total: t.ids.length, processed: done ? t.ids : [], processing: done ? [] : t.ids, failed: [] });
    },
  },
  {
    method: 'GET',
    path: '/v2/whiteboards/export/task/:taskId',
    category: 'Medium',
    granular: ['whiteboard:read:export', 'whiteboard:read:export:admin'],
    classic: ['whiteboard_content:read:admin', 'whiteboard_content:read'],
    area: 'api',
    auth: 'bearer',
    spec: 'whiteboard.openapi.json Downloadwhiteboardexport',
    handler: async (c) => {
      const t = task(c);
      if (t.asked < 2) throw new ZoomError(400, 400, 'Bad Request');
      const boards = boardsOf(c);
      const zip = new yazl.ZipFile();
      const mtime = new Date(Date.UTC(2026, 0, 1));
      const log = ['whiteboard_id,whiteboard_name,action'];
      for (const id of t.ids) {
        const b = boards.find((x) => x.whiteboard_id === id)!;
        zip.addBuffer(Buffer.from(`%PDF-1.4\n% ${String(b.whiteboard_name)}\n%%EOF\n`), `${id}.pdf`, { mtime });
        log.push(`${id},${String(b.whiteboard_name)},export`);
      }
      zip.addBuffer(Buffer.from(log.join('\n') + '\n'), 'audit_log.csv', { mtime });
      zip.end();
      const chunks: Buffer[] = [];
      for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
      return { status: 200, headers: { 'content-type': 'application/zip', 'content-disposition': 'attachment; filename="whiteboards.zip"' }, raw: Buffer.concat(chunks) };
    },
  },
];
