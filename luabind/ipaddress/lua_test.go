package ipaddress

import (
	"net/netip"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"socklab/luabind/runtime/runtimetest"
)

func runLua(t *testing.T, src string) string {
	t.Helper()
	out, err := runtimetest.Run(t, src)
	if err != nil {
		t.Fatalf("lua error: %v\noutput so far:\n%s", err, out)
	}
	return out
}

// The face through Lua: each line of the chunk prints one answer, checked
// against what Python prints for the same expression.
func TestFaceAnswersAsPython(t *testing.T) {
	cases := [][2]string{
		{`ipaddress.ip_address("192.168.0.104").is_private`, "true"},
		{`ipaddress.ip_address("18.25.15.99").is_global`, "true"},
		{`ipaddress.ip_address("127.0.0.1").is_loopback`, "true"},
		{`ipaddress.ip_address("192.168.1.7").version`, "4"},
		{`ipaddress.ip_address("::1").version`, "6"},
		{`ipaddress.ip_address("1.2.3.4"):repr()`, "IPv4Address('1.2.3.4')"},
		{`ipaddress.ip_address(3232235624)`, "192.168.0.104"},
		{`ipaddress.ip_address("192.168.0.104"):int()`, "3232235624"},
		{`ipaddress.ip_address(2^33)`, "::2:0:0"},
		{`ipaddress.ip_address("1.2.3.4") + 256`, "1.2.4.4"},
		{`ipaddress.ip_address("1.2.3.4") - 5`, "1.2.2.255"},
		{`ipaddress.ip_address("1.2.3.4") == ipaddress.ip_address("1.2.3.4")`, "true"},
		{`ipaddress.ip_address("1.2.3.4") < ipaddress.ip_address("1.2.3.5")`, "true"},
		{`ipaddress.ip_address("fe80::1%eth0").scope_id`, "eth0"},
		{`ipaddress.ip_address("::ffff:1.2.3.4").ipv4_mapped`, "1.2.3.4"},
		{`ipaddress.ip_address("2002:c000:204::1").sixtofour`, "192.0.2.4"},
		{`ipaddress.ip_address("2001:0:4136:e378:8000:63bf:3fff:fdd2").teredo[2]`, "192.0.2.45"},
		{`ipaddress.ip_address("1.2.3.4").teredo`, "nil"},
		{`#ipaddress.ip_address("::1").packed`, "16"},
		{`ipaddress.ip_address("1.2.3.4").reverse_pointer`, "4.3.2.1.in-addr.arpa"},
		{`ipaddress.from_packed("\192\168\0\1")`, "192.168.0.1"},
		{`ipaddress.ip_network("10.0.0.0/255.0.0.0")`, "10.0.0.0/8"},
		{`ipaddress.ip_network("10.0.0.0/0.255.255.255").with_netmask`, "10.0.0.0/255.0.0.0"},
		{`ipaddress.ip_network("10.0.0.1/8", false)`, "10.0.0.0/8"},
		{`ipaddress.ip_network({"10.0.0.1", 8}, false)`, "10.0.0.0/8"},
		{`ipaddress.ip_network("192.168.0.0/24").num_addresses`, "256"},
		{`#ipaddress.ip_network("192.168.0.0/24")`, "256"},
		{`ipaddress.ip_network("192.168.0.0/24")[-1]`, "192.168.0.255"},
		{`ipaddress.ip_network("192.168.0.0/24").broadcast_address`, "192.168.0.255"},
		{`ipaddress.ip_network("192.168.0.0/24"):supernet{new_prefix = 16}`, "192.168.0.0/16"},
		{`ipaddress.ip_network("192.168.0.0/24"):contains("192.168.0.7")`, "true"},
		{`ipaddress.ip_address("192.168.1.7"):within("192.168.0.0/24")`, "false"},
		{`ipaddress.ip_network("10.0.0.0/8"):overlaps("10.1.0.0/16")`, "true"},
		{`ipaddress.ip_network("10.1.0.0/16"):subnet_of("10.0.0.0/8")`, "true"},
		{`ipaddress.ip_interface("192.168.1.7/24").network`, "192.168.1.0/24"},
		{`ipaddress.ip_interface("192.168.1.7/24").ip.is_private`, "true"},
		{`ipaddress.ip_interface("192.168.1.7/24").with_netmask`, "192.168.1.7/255.255.255.0"},
		{`ipaddress.ip_interface("192.168.1.7/24") .. "!"`, "192.168.1.7/24!"},
		{`#ipaddress.collapse_addresses{"10.0.0.0/25", "10.0.0.128/25"}`, "1"},
		{`ipaddress.summarize_address_range("10.0.0.0", "10.0.0.255")[1]`, "10.0.0.0/24"},
		{`ipaddress.ip_network("10.0.0.0/8"):address_exclude("10.0.0.0/9")[1]`, "10.128.0.0/9"},
		{`ipaddress.explain("100.64.0.1"):match("RFC 6598") ~= nil`, "true"},
		{`ipaddress.explain("192.0.2.1"):match("documentation") ~= nil`, "true"},
	}
	runtimetest.ExpectPrints(t, cases)
}

// Malformed input is a Lua error with Python's words, never a panic.
func TestFaceErrors(t *testing.T) {
	cases := [][2]string{
		{`ipaddress.ip_address("300.1.1.1")`, "'300.1.1.1' does not appear to be an IPv4 or IPv6 address"},
		{`ipaddress.IPv4Address("1.2.3.256")`, "Octet 256 (> 255) not permitted in '1.2.3.256'"},
		{`ipaddress.IPv4Address("01.2.3.4")`, "Leading zeros are not permitted in '01' in '01.2.3.4'"},
		{`ipaddress.ip_network("10.0.0.1/24")`, "10.0.0.1/24 has host bits set"},
		{`ipaddress.ip_network("10.0.0.1/33")`, "'10.0.0.1/33' does not appear to be an IPv4 or IPv6 network"},
		{`ipaddress.IPv4Network("10.0.0.0/33")`, "'33' is not a valid netmask"},
		{`ipaddress.ip_address(-1)`, "-1 does not appear to be an IPv4 or IPv6 address"},
		{`ipaddress.IPv4Address(2^32)`, "4294967296 (>= 2**32) is not permitted as an IPv4 address"},
		{`ipaddress.ip_address(1.5)`, "1.5 does not appear to be an IPv4 or IPv6 address"},
		{`ipaddress.ip_address(nil)`, "bad argument #1 to 'ip_address'"},
		{`ipaddress.ip_address({})`, "bad argument #1 to 'ip_address'"},
		{`ipaddress.ip_address("1.2.3.4") < ipaddress.ip_address("::1")`, "1.2.3.4 and ::1 are not of the same version"},
		{`ipaddress.ip_address("255.255.255.255") + 1`, "4294967296 (>= 2**32) is not permitted as an IPv4 address"},
		{`ipaddress.ip_network("10.0.0.0/8")[2^24]`, "address out of range"},
		{`ipaddress.ip_network("10.0.0.0/8"):subnets{new_prefix = 7}`, "new prefix must be longer"},
		{`ipaddress.ip_network("10.0.0.0/8"):address_exclude("11.0.0.0/8")`, "11.0.0.0/8 not contained in 10.0.0.0/8"},
		{`ipaddress.summarize_address_range("10.0.0.2", "10.0.0.1")`, "last IP address must be greater than first"},
		{`ipaddress.collapse_addresses{"1.2.3.4", "::1"}`, "::1 and 1.2.3.4 are not of the same version"},
		{`ipaddress.ip_network("10.0.0.0/8"):subnet_of("::/0")`, "10.0.0.0/8 and ::/0 are not of the same version"},
		{`ipaddress.ip_address("fe80::1%")`, "does not appear to be an IPv4 or IPv6 address"},
		{`ipaddress.ip_network(string.rep("1", 1000000))`, "does not appear to be an IPv4 or IPv6 network"},
	}
	runtimetest.ExpectErrors(t, cases)
}

// hosts() and subnets() are lazy: a /8's hosts and a /64's /128 subnets
// start at once and stop when the loop breaks.
func TestIteratorsAreLazy(t *testing.T) {
	out := runLua(t, `
local n = 0
for h in ipaddress.ip_network("10.0.0.0/8"):hosts() do n = n + 1 if n == 3 then print(h) break end end
n = 0
for s in ipaddress.ip_network("2001:db8::/64"):subnets{new_prefix = 128} do n = n + 1 if n == 2 then print(s) break end end
local all = {}
for h in ipaddress.ip_network("192.168.0.0/30"):hosts() do all[#all+1] = tostring(h) end
print(table.concat(all, " "))
all = {}
for s in ipaddress.ip_network("192.168.0.0/24"):subnets(2) do all[#all+1] = tostring(s) end
print(table.concat(all, " "))
all = {}
for a in ipaddress.ip_network("192.168.0.0/31"):addresses() do all[#all+1] = tostring(a) end
print(table.concat(all, " "))
`)
	want := "10.0.0.3\n2001:db8::1/128\n192.168.0.1 192.168.0.2\n" +
		"192.168.0.0/26 192.168.0.64/26 192.168.0.128/26 192.168.0.192/26\n192.168.0.0 192.168.0.1\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// The Go API for other faces pushes values Lua can question.
func TestPushAPI(t *testing.T) {
	e := runtimetest.New(t)
	e.RT.Do(func(L *lua.LState) {
		PushInterface(L, netip.MustParsePrefix("192.168.1.7/24"))
		L.SetGlobal("iface", L.Get(-1))
		PushAddr(L, netip.MustParseAddr("fe80::1%eth0"))
		L.SetGlobal("addr", L.Get(-1))
		PushNetwork(L, netip.MustParsePrefix("10.1.2.3/8"))
		L.SetGlobal("net", L.Get(-1))
		L.Pop(3)
	})
	if err := e.Exec(t, t.Context(), "push", `print(iface.ip.is_private, iface.network, addr.scope_id, net, iface:repr())`); err != nil {
		t.Fatal(err)
	}
	if got, want := e.Out.String(), "true\t192.168.1.0/24\teth0\t10.0.0.0/8\tIPv4Interface('192.168.1.7/24')\n"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	if a, ok := ToAddr(lua.LString("10.0.0.1")); !ok || a != netip.MustParseAddr("10.0.0.1") {
		t.Errorf("ToAddr(string) = %v %v", a, ok)
	}
}

// The REPL shows a value through its type's Tostring: Python's repr, while
// tostring and print give str.
func TestReplShowsRepr(t *testing.T) {
	e := runtimetest.New(t)
	e.RT.Do(func(L *lua.LState) {
		for text, want := range map[string]string{
			`return ipaddress.ip_address("192.168.0.104")`:     "IPv4Address('192.168.0.104')",
			`return ipaddress.ip_network("10.0.0.0/8")`:        "IPv4Network('10.0.0.0/8')",
			`return ipaddress.ip_interface("fe80::1%eth0/64")`: "IPv6Interface('fe80::1%eth0/64')",
		} {
			if err := L.DoString(text); err != nil {
				t.Fatal(err)
			}
			v := L.Get(-1)
			L.Pop(1)
			typ := e.RT.TypeOf(v)
			if typ == nil || typ.Tostring == nil {
				t.Fatalf("%s: no registered type with Tostring", text)
			}
			if got := typ.Tostring(v.(*lua.LUserData)); got != want {
				t.Errorf("%s: REPL shows %s, want %s", text, got, want)
			}
			if got := L.ToStringMeta(v).String(); got == want {
				t.Errorf("%s: tostring gives the repr %s, want str", text, got)
			}
		}
	})
}
