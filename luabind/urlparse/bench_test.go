package urlparse

import (
	"context"
	"strconv"
	"testing"

	"socklab/luabind/runtime/runtimetest"
)

// BenchmarkURLParse is the loop from Lua: urlparse(u) and its
// hostname and port, per URL (bench/addrurl/run.sh compares it with Python).
func BenchmarkURLParse(b *testing.B) {
	e := runtimetest.New(b)
	src := `
local urls = {}
for i = 1, 1000 do urls[i] = "http://user" .. i .. "@host" .. i .. ".example.com:" .. (1024 + i) .. "/path/" .. i .. "/page;p?q=" .. i .. "&r=x#frag" end
local urlparse = urllib.parse.urlparse
for r = 1, N do
  local p = urlparse(urls[r % 1000 + 1])
  local _, _ = p.hostname, p.port
end`
	b.ResetTimer()
	if err := e.Exec(b, context.Background(), "bench", "local N = "+strconv.Itoa(b.N)+src); err != nil {
		b.Fatal(err)
	}
}
