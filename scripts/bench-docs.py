# Replace the code blocks of docs/benchmark.md with the rows of
# docs/bench-mainline.txt (after make bench TARGET=mainline copied it).
import os
top = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
t=open(os.path.join(top, 'docs/bench-mainline.txt')).read().splitlines()
r=open(os.path.join(top, 'docs/benchmark.md')).read()
def rows(prefixes):
    return [l for l in t if any(l.startswith(p) for p in prefixes)]
blocks={
 '     M | base':rows(['     M | base','     1 |','    16 |','   256 |','  1024 |']),
 '  base  : idle':rows(['  base  : idle','  series: idle']),
 '     gap | base':rows(['     gap | base','     0 us |','   100 us |','  1000 us |','  4000 us |',' 20000 us |']),
 '  gap     0 us, base':rows(['  gap     0 us','  gap  1000 us']),
}
out=[];lines=r.splitlines();i=0
while i<len(lines):
    l=lines[i]
    key=next((k for k in blocks if l.startswith(k)),None)
    if key and out and out[-1]=='```':
        j=i
        while lines[j]!='```': j+=1
        out+=blocks[key]; i=j; continue
    out.append(l); i+=1
open(os.path.join(top, 'docs/benchmark.md'),'w').write('\n'.join(out)+'\n')
