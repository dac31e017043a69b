package damweb

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).versionRoutes) }

// versionRoutes act on one version from the asset page.
func (h *Handler) versionRoutes() []route {
	return []route{
		{"POST", "/assets/{id}/versions/{n}/restore", true, h.restoreVersion},
	}
}

// restoreVersion makes an earlier version current again (dam.RestoreVersion).
func (h *Handler) restoreVersion(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return dam.E("damweb", dam.NotFound, "no such version")
	}
	a, err := h.lib.RestoreVersion(r.Context(), r.PathValue("id"), n)
	if err != nil {
		return err
	}
	return redirect(w, r, "/assets/"+url.PathEscape(a.ID), "Version "+strconv.Itoa(n)+" is current again, as version "+strconv.Itoa(a.Current.Number)+".")
}
