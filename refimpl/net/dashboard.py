"""The node's dashboard: one HTML page with a little JavaScript, no build step.

It polls ``/status``, ``/metagraph``, ``/blocks`` and ``/rejected`` every two seconds,
and each served axon's ``/stats`` (straight from the browser, one second at most per
axon), and redraws four tables: what the instructor puts on the projector.
Introduced in lesson 15.
"""

from __future__ import annotations

__all__ = ["DASHBOARD_HTML"]

DASHBOARD_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>ChainMind classroom network</title>
<style>
 body{font-family:system-ui,sans-serif;margin:1.5em;background:#fafafa;color:#222}
 h1{font-size:1.4em;margin:0 0 .3em} h2{font-size:1.1em;margin:1.2em 0 .3em}
 table{border-collapse:collapse;font-size:.9em;background:#fff}
 td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}
 td.l,th.l{text-align:left;font-family:monospace}
 #status{font-family:monospace} .bad{color:#a00}
</style></head><body>
<h1>ChainMind classroom network</h1>
<div id="status">connecting&hellip;</div>
<h2>Metagraph</h2>
<table id="metagraph"><thead><tr><th>uid</th><th class="l">hotkey</th>
<th>stake</th><th>incentive</th><th>dividends</th><th>emission</th>
<th>permit</th><th class="l">axon</th></tr></thead><tbody></tbody></table>
<h2>Recent blocks</h2>
<table id="blocks"><thead><tr><th>height</th><th class="l">hash</th><th>time</th>
<th>txs</th><th class="l">kinds</th></tr></thead><tbody></tbody></table>
<h2>Rejected requests</h2>
<table id="rejected"><thead><tr><th>time</th><th class="l">what</th><th>status</th>
<th class="l">reason</th></tr></thead><tbody></tbody></table>
<h2>Requests refused by miners</h2>
<table id="axon-rejected"><thead><tr><th>time</th><th>uid</th><th>status</th>
<th class="l">reason</th></tr></thead><tbody></tbody></table>
<script>
function esc(s){return String(s).replace(/[&<>"']/g,
  c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]))}
function rows(id,list){document.querySelector('#'+id+' tbody').innerHTML=
  list.map(r=>'<tr>'+r.map(c=>'<td'+(c[1]?' class="l"':'')+'>'+esc(c[0])
  +'</td>').join('')+'</tr>').join('')}
async function get(p){const r=await fetch(p);return r.json()}
async function refresh(){
 try{
  const s=await get('/status');
  document.getElementById('status').textContent='height '+s.height+' · tip '
   +s.tip.slice(0,16)+'… · peers '+s.peers.length+' · mempool '+s.mempool
   +' · tempo '+s.tempo;
  const m=await get('/metagraph');
  rows('metagraph',m.uids.map(u=>[[u],[m.hotkeys[u],1],[m.stake[u]],
   [m.incentive[u].toFixed(3)],[m.dividends[u].toFixed(3)],[m.emission[u]],
   [m.validator_permit[u]?'yes':''],
   [m.axons[u]?m.axons[u].ip+':'+m.axons[u].port:'-',1]]));
  const b=await get('/blocks?raw=0');
  rows('blocks',b.blocks.reverse().map(x=>[[x.height],[x.hash.slice(0,20)+'…',1],
   [new Date(x.time*1000).toLocaleTimeString()],[x.txs.length],
   [x.txs.map(t=>t.kind).join(' '),1]]));
  const r=await get('/rejected');
  rows('rejected',r.rejected.slice(0,20).map(x=>[
   [new Date(x.time*1000).toLocaleTimeString()],[x.what,1],[x.status],[x.reason,1]]));
  const refused=[];
  await Promise.all(m.uids.filter(u=>m.axons[u]).slice(0,64).map(async u=>{
   const a=m.axons[u], c=new AbortController(), t=setTimeout(()=>c.abort(),1000);
   try{const s=await (await fetch('http://'+a.ip+':'+a.port+'/stats',
     {signal:c.signal})).json();
     if(s.hotkey===m.hotkeys[u]) s.rejected.forEach(x=>refused.push([u,x]));
   }catch(e){} finally{clearTimeout(t)}}));
  refused.sort((a,b)=>b[1].time-a[1].time);
  rows('axon-rejected',refused.slice(0,20).map(([u,x])=>[
   [new Date(x.time*1000).toLocaleTimeString()],[u],[x.status],[x.reason,1]]));
 }catch(e){document.getElementById('status').innerHTML=
   '<span class="bad">node unreachable</span>'}
}
refresh(); setInterval(refresh,2000);
</script></body></html>
"""
