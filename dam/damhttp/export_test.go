package damhttp

// RouteInfo is one route of the table, as the authorization test sees it.
type RouteInfo struct {
	Method, Pattern string
	Auth            bool
}

// RouteTable lists every route of s, so that the authorization test is
// generated from the same table the server routes by.
func RouteTable(s *Server) []RouteInfo {
	var out []RouteInfo
	for _, rt := range s.table() {
		out = append(out, RouteInfo{rt.method, rt.pattern, rt.auth})
	}
	return out
}
