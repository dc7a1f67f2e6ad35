//! The page's stylesheet, inline so that the page makes no request.

pub(super) const STYLE: &str = r#"
:root { --pass: #2e7d32; --fail: #c62828; --ign: #9e9e9e; --ink: #1d1d1f; --line: #ddd; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1200px; padding: 1.5rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; min-width: 260px; }
.card h3 { margin: 0 0 .4rem; font-family: ui-monospace, monospace; }
.big { font-size: 1.5rem; font-weight: 600; }
.passed { color: var(--pass); } .failed { color: var(--fail); } .ignored { color: #616161; }
.legend span { display: inline-block; margin-right: 1rem; }
.sw { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; vertical-align: middle; margin-right: .3rem; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem; }
pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; white-space: pre; border-radius: 4px; }
pre .del { color: var(--fail); } pre .add { color: var(--pass); }
details { margin: .3rem 0; } summary { cursor: pointer; }
.bar td { padding-top: .1rem; padding-bottom: .1rem; }
.none { color: #555; font-style: italic; }
"#;
