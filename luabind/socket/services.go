package socket

import "socklab/internal/services"

// ServiceName is services.Name, kept for luabind/scan until it imports
// socklab/internal/services itself.
//
// Deprecated: use services.Name.
func ServiceName(port int, proto string) string { return services.Name(port, proto) }
