/** The desk's one stylesheet (served at <token>/desk.css; the CSP allows no inline style). Fluid: works at 200 % zoom. */
export const DESK_CSS = `
:root { color-scheme: light; --ink:#1d2430; --muted:#4f5866; --line:#cfd6e0; --band:#f4f6f9; --accent:#1f4f96; --bad:#a3191f; --warn:#7a5300; --good:#1d6b34; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; color: var(--ink); margin: 0; background: #fff; }
header { background: var(--band); border-bottom: 1px solid var(--line); padding: .6rem 1.5rem; }
header nav { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: baseline; }
header .brand { font-weight: 700; }
main { max-width: 75rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: .6rem 0 .8rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .6rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; overflow-wrap: anywhere; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid var(--line); overflow-wrap: break-word; }
th { background: var(--band); font-weight: 600; }
dl.facts { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .2rem 1rem; margin: 0 0 1rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.overdue { color: var(--bad); font-weight: 700; }
.soon { color: var(--warn); font-weight: 600; }
.ok { color: var(--good); font-weight: 600; }
.muted { color: var(--muted); }
.badge { display: inline-block; border: 1px solid currentColor; border-radius: .3rem; padding: 0 .35rem; font-size: .9rem; }
code, .digest { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .92rem; overflow-wrap: anywhere; word-break: break-all; }
pre { background: var(--band); border: 1px solid var(--line); padding: .6rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; font-size: .88rem; max-height: 28rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem 1.2rem; align-items: end; margin: .4rem 0 1rem; }
form.filters label { display: flex; flex-direction: column; gap: .2rem; }
form.filters label.inline { flex-direction: row; align-items: center; gap: .35rem; }
input[type=text], select { font: inherit; padding: .3rem .4rem; border: 1px solid #8a94a3; border-radius: .25rem; max-width: 100%; }
button { font: inherit; padding: .4rem .9rem; border-radius: .3rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
fieldset { border: 1px solid var(--line); border-radius: .3rem; margin: 0; padding: .2rem .6rem; }
fieldset legend { font-size: .9rem; color: var(--muted); }
.choices label { margin-right: 1rem; white-space: nowrap; }
.panel { border: 1px solid var(--line); border-radius: .4rem; padding: .8rem 1rem; margin: 1rem 0; }
.panel.notice { border-color: var(--accent); background: #eef3fb; }
.panel.error { border-color: var(--bad); background: #fbeeee; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr)); gap: 1rem; }
.pager { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: baseline; margin: .6rem 0; }
.actions { display: flex; flex-wrap: wrap; gap: .8rem; align-items: end; }
.actions label { display: flex; flex-direction: column; gap: .2rem; }
`;
