package runtime_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// pcallCases exercise gopher-lua's upstream bug #448 (a caught error
// detaches the caller's locals from their closures) and the corners of
// pcall/xpcall. Each prints; the output must match Debian's lua5.1. Error
// messages are printed without their "chunk:line:" prefix, since the chunk
// names differ.
var pcallCases = map[string]string{
	"repeated pcall in a closure": `
		local n = 0
		local function f() pcall(error, "x"); n = n + 1 end
		f(); f()
		print(n)`,
	"late assignment after pcall": `
		local a
		local function use() return a end
		pcall(function() error("e") end)
		a = 5
		print(use())`,
	"nested pcall followed by an error": `
		local c = 0
		local function inc() c = c + 1 end
		local ok, e = pcall(function()
			pcall(function() error("inner") end)
			inc()
			error("outer")
		end)
		inc()
		print(ok, strip(e), c)`,
	"closure escaping a failed call": `
		local saved
		local ok = pcall(function()
			local x = 10
			saved = function() x = x + 1; return x end
			error("boom")
		end)
		print(ok, saved(), saved())`,
	"loop creating closures around pcall": `
		local fs = {}
		for i = 1, 3 do
			local ok = pcall(function() if i == 2 then error("two") end end)
			fs[i] = function() return i, ok end
		end
		for i = 1, 3 do print(fs[i]()) end`,
	"server loop counter": `
		local handled, failed = 0, 0
		local function handle(i) if i % 3 == 0 then error("bad " .. i) end return i end
		for i = 1, 9 do
			if pcall(handle, i) then handled = handled + 1 else failed = failed + 1 end
		end
		print(handled, failed)`,
	"non-string error objects": `
		local ok, e = pcall(error, {code = 42})
		print(ok, type(e), e.code)
		print(pcall(error, 12))
		print(pcall(error))
		print(pcall(error, "msg", 0))`,
	"multiple returns and nils": `
		print(pcall(function() return 1, nil, 3 end))
		print(select("#", pcall(function() return 1, nil, 3 end)))
		print(pcall(function() end))`,
	"calling a non-function": `
		local ok, e = pcall(42)
		print(ok, strip(e))`,
	"xpcall with a handler": `
		print(xpcall(function() error("x") end, function(m) return "H:" .. strip(m) end))
		print(xpcall(function() return "fine", 2 end, print))
		local n = 0
		local function f() xpcall(function() error("y") end, function(m) return m end); n = n + 1 end
		f(); f()
		print(n)`,
	"upvalues shared between a failed call and its caller": `
		local log = {}
		local function run()
			local state = "start"
			local ok = pcall(function() state = "inside"; error("fail") end)
			state = state .. "+after"
			return state, ok
		end
		print(run())
		print(run())`,
	"error in a pcall inside a coroutine": `
		local co = coroutine.create(function()
			local n = 0
			for i = 1, 3 do
				pcall(error, "x")
				n = n + 1
				coroutine.yield(n)
			end
			return "done", n
		end)
		for i = 1, 4 do print(coroutine.resume(co)) end`,
}

// The prelude defines strip(), which drops "chunk:line: " from a message.
const pcallPrelude = `function strip(m) if type(m) ~= "string" then return m end return (m:gsub("^[^:]*:%d+: ", "")) end
`

// lua51 returns Debian's lua5.1, the reference the differential tests
// compare with; it skips the test when it is missing, unless CI=true.
func lua51(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("lua5.1")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("lua5.1 is not installed; .ci/run must install it")
		}
		t.Skip("lua5.1 not installed (apt-get install lua5.1): cannot compare")
	}
	return path
}

func TestPcallMatchesLua51(t *testing.T) {
	lua51 := lua51(t)
	dir := t.TempDir()
	for name, src := range pcallCases {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, "case.lua")
			if err := os.WriteFile(file, []byte(pcallPrelude+src), 0o644); err != nil {
				t.Fatal(err)
			}
			want, err := exec.Command(lua51, file).CombinedOutput()
			if err != nil {
				t.Fatalf("lua5.1: %v\n%s", err, want)
			}
			got, err := run(t, pcallPrelude+src)
			if err != nil {
				t.Fatalf("socklab: %v", err)
			}
			if got != string(want) {
				t.Errorf("socklab printed\n%s\nlua5.1 printed\n%s", got, want)
			}
		})
	}
}

// error's level counts the frames of the code that called pcall, as in Lua
// 5.1, although the protected call runs on a thread of its own:
// `pcall(error, "x", 2)` names the line of the pcall.
func TestErrorLevelThroughPcallMatchesLua51(t *testing.T) {
	t.Parallel()
	const src = `print(pcall(error, "x", 2))
print(pcall(error, "x", 3))
local function f() error("y", 2) end
print(pcall(f))
local function g()
  f()
end
print(pcall(g))
print(pcall(pcall, error, "w", 3))
print(pcall(pcall, error, "w", 4))
print(xpcall(function() error("v", 2) end, function(m) return m end))
local function h()
  return pcall(error, "in h", 2)
end
print(h())
coroutine.wrap(function()
  print(pcall(error, "c", 2))
end)()
print(pcall(error, "x", 100))
`
	const want = `false	test:1: x
false	x
false	y
false	test:6: y
true	false	test:9: w
true	false	w
false	v
false	test:13: in h
false	test:17: c
false	x
`
	got := mustRun(t, src)
	if got != want {
		t.Errorf("socklab printed\n%s\nwant\n%s", got, want)
	}
	lua51 := lua51(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "test"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(lua51, "test") // chunk name "test", as socklab's
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("lua5.1: %v\n%s", err, out)
	}
	if string(out) != want {
		t.Errorf("lua5.1 printed\n%s\nwant\n%s", out, want)
	}
}
