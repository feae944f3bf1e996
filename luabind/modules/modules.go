// Package modules imports every socklab Lua module, so that importing it
// registers them all with the runtime.
package modules

import (
	_ "socklab/luabind/dns"
	_ "socklab/luabind/ipaddress"
	_ "socklab/luabind/netinfo"
	_ "socklab/luabind/ping"
	_ "socklab/luabind/scan"
	_ "socklab/luabind/socket"
	_ "socklab/luabind/urlparse"
)
