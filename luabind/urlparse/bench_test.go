package urlparse

import (
	"context"
	"strconv"
	"testing"

	"socklab/luabind/runtime/runtimetest"
)

// BenchmarkURLParse is bench/addrurl/bench.lua's loop from Lua: urlparse(u)
// and its hostname and port, per URL, over a list of distinct URLs
// (bench/addrurl/run.sh compares it with Python). Profile it with
// go test -run '^$' -bench URLParse -cpuprofile cpu.out ./luabind/urlparse.
func BenchmarkURLParse(b *testing.B) {
	e := runtimetest.New(b)
	src := `
local urls = {}
for i = 1, 1000 do urls[i] = "http://user" .. i .. "@host" .. i .. ".example.com:" .. (1024 + i) .. "/path/" .. i .. "/page;p?q=" .. i .. "&r=x#frag" .. i end
local urlparse = urllib.parse.urlparse
for r = 1, math.ceil(N / #urls) do
  for i = 1, #urls do
    local p = urlparse(urls[i])
    local _, _ = p.hostname, p.port
  end
end`
	b.ReportAllocs()
	b.ResetTimer()
	if err := e.Exec(b, context.Background(), "bench", "local N = "+strconv.Itoa(b.N)+src); err != nil {
		b.Fatal(err)
	}
}
