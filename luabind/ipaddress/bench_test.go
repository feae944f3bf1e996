package ipaddress

import (
	"context"
	"testing"

	"socklab/luabind/runtime/runtimetest"
)

// BenchmarkParseIsPrivate is the loop from Lua: ip_address(s) and
// is_private, per address (bench/addrurl/run.sh compares it with Python).
func BenchmarkParseIsPrivate(b *testing.B) {
	e := runtimetest.New(b)
	src := `
local addrs = {}
for i = 1, 1000 do addrs[i] = (i % 4 == 0) and ("2001:db8:" .. i .. "::1") or ("192.168." .. (i % 256) .. "." .. (i % 200)) end
local ip_address = ipaddress.ip_address
local n = 0
for r = 1, N do
  local s = addrs[r % 1000 + 1]
  if ip_address(s).is_private then n = n + 1 end
end`
	b.ResetTimer()
	if err := e.Exec(b, context.Background(), "bench", "local N = "+itoa(b.N)+src); err != nil {
		b.Fatal(err)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf []byte
	for ; n > 0; n /= 10 {
		buf = append([]byte{byte('0' + n%10)}, buf...)
	}
	return string(buf)
}
