"""The links trafilatura keeps in each page's main content.

Reads JSON lines {"path": ..., "url": ..., "file": ...} on stdin and writes
one JSON line {"file": ..., "links": [...]} per page: the targets of the <ref>
elements of trafilatura's XML output with links kept, resolved against
the page's address. Run by benches/main_content.rs.
"""

import json
import sys
from urllib.parse import urljoin

import lxml.etree
import trafilatura


def links(data, url):
    xml = trafilatura.extract(
        data, url=url, include_links=True, output_format="xml", with_metadata=False
    )
    if not xml:
        return []
    tree = lxml.etree.fromstring(xml.encode("utf-8"))
    return [urljoin(url, ref.get("target")) for ref in tree.iter("ref") if ref.get("target")]


for line in sys.stdin:
    page = json.loads(line)
    with open(page["path"], "rb") as f:
        data = f.read()
    try:
        found = links(data, page["url"])
    except Exception as e:  # a page trafilatura cannot read finds nothing
        print(f"trafilatura failed on {page['path']}: {e}", file=sys.stderr)
        found = []
    print(json.dumps({"file": page["file"], "links": found}), flush=True)
