// The page's only stylesheet, inline: no external assets, so it works offline. Wide screens
// get the contents in a sticky side column; narrow ones get it on top, and tables stack
// each row into labelled lines instead of scrolling sideways.
export const css = `
:root{--fg:#1d232b;--muted:#5b6470;--line:#d9dee4;--bg:#fff;--soft:#f4f6f8;--accent:#0b5cad;--code:#f0f2f5;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--fg:#e3e7ec;--muted:#a3acb8;--line:#39414b;--bg:#15191e;--soft:#1d232a;--accent:#6fb1ff;--code:#232a32}}
*{box-sizing:border-box}
html{scroll-padding-top:1rem}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
.layout{max-width:84rem;margin:0 auto;padding:0 1rem}
header.top{padding:1.5rem 0 .5rem;border-bottom:1px solid var(--line)}
header.top h1{margin:0 0 .3rem;font-size:1.7rem;line-height:1.25}
header.top p{margin:.2rem 0;color:var(--muted)}
nav.toc{font-size:.92rem;padding:1rem 0}
nav.toc h2{font-size:1rem;margin:0 0 .5rem;padding:0;border:0}
main > h2:first-child{margin-top:1rem;border-top:0}
nav.toc ol{list-style:none;margin:0;padding:0}
nav.toc > ol > li{margin:.35rem 0}
nav.toc > ol > li > a{font-weight:600}
nav.toc ol ol{display:flex;flex-wrap:wrap;gap:.2rem .8rem;margin:.2rem 0 .4rem .2rem}
nav.toc a{text-decoration:none}
nav.toc a:hover{text-decoration:underline}
main{min-width:0;padding-bottom:4rem}
h2{font-size:1.45rem;margin:2.6rem 0 .6rem;padding-top:.6rem;border-top:2px solid var(--line)}
h3{font-size:1.15rem;margin:2rem 0 .4rem;overflow-wrap:anywhere}
h4{font-size:1rem;margin:1.1rem 0 .3rem}
h5{font-size:.9rem;margin:.8rem 0 .3rem;color:var(--muted)}
h2 a.self,h3 a.self,h4 a.self{color:inherit;text-decoration:none}
.verb{display:inline-block;font-size:.75rem;font-weight:700;letter-spacing:.04em;padding:.1rem .4rem;margin-right:.4rem;border-radius:.3rem;background:var(--accent);color:var(--bg);vertical-align:.15em}
section.endpoint,section.event{border-bottom:1px solid var(--line);padding-bottom:1rem}
.meta,.none{color:var(--muted)}
code{font:.88em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);padding:.05em .3em;border-radius:.25rem;overflow-wrap:anywhere}
pre{background:var(--soft);border:1px solid var(--line);border-radius:.4rem;padding:.7rem .8rem;overflow-x:auto;margin:.4rem 0 1rem;max-height:32rem}
pre code{background:none;padding:0;font-size:.84rem;overflow-wrap:normal;white-space:pre}
.table-wrap{overflow-x:auto;margin:.4rem 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:var(--soft)}
table.fields td:first-child,table.errors td:first-child{white-space:nowrap}
td:first-child code{overflow-wrap:normal;white-space:nowrap}
.field{display:inline-block;padding-left:calc(var(--depth,0) * 1.1rem)}
tr.nested td:first-child{border-left:3px solid var(--line)}
.examples{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:0 1rem}
details{margin:.2rem 0 1rem}
summary{cursor:pointer;color:var(--muted)}
@media (min-width:64rem){
  .layout{display:grid;grid-template-columns:17rem minmax(0,1fr);gap:2.5rem}
  header.top{grid-column:1/-1}
  nav.toc{position:sticky;top:0;align-self:start;max-height:100vh;overflow-y:auto;padding-right:.5rem}
  nav.toc ol ol{display:block;margin:.15rem 0 .5rem .8rem}
  nav.toc ol ol li{margin:.1rem 0}
}
@media (max-width:40rem){
  body{font-size:15px}
  .examples{grid-template-columns:minmax(0,1fr)}
  table,thead,tbody,tr,th,td{display:block;width:100%}
  thead{position:absolute;left:-9999px}
  tr{border:1px solid var(--line);border-radius:.4rem;margin:0 0 .5rem;padding:.3rem .5rem}
  td{border:0;padding:.1rem 0}
  td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:var(--muted)}
  table.fields td:first-child{white-space:normal}
  table.fields td:first-child code{white-space:normal;overflow-wrap:anywhere}
  table.fields td:first-child::before{content:none}
  .field{padding-left:0}
  tr.nested{border-left:3px solid var(--accent)}
  tr.nested td:first-child{border-left:0}
}
`;
