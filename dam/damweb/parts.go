package damweb

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

// servePart sends part n of a download job as an attachment
// (httpdam.ServePart: exact length, strong ETag, Range). A read that fails
// once the headers are out is returned, so wrap aborts the connection and
// a truncated archive never passes for a whole one. Pages that make a
// download (a collection's "Download all", the selection) and the
// downloads inbox all serve archives through it.
func (h *Handler) servePart(w http.ResponseWriter, r *http.Request, jobID string, n int) error {
	p, err := h.lib.OpenPart(r.Context(), jobID, n)
	if err != nil {
		return err
	}
	defer p.Close()
	return httpdam.ServePart(w, r, p, h.opts.WriteTimeout)
}

// startDownload answers a "Download" form (the selection, a collection's
// "Download all"): a small download is ready at once and its ZIP (or the
// single original) is the answer; a large one is built in the background
// and the downloads inbox follows it. When some assets were left out, the
// inbox says which and why rather than a ZIP arriving without them
// unexplained.
func (h *Handler) startDownload(w http.ResponseWriter, r *http.Request, req dam.DownloadRequest) error {
	j, err := h.lib.CreateDownload(r.Context(), req)
	if err != nil {
		return err
	}
	inbox := "/downloads#job-" + url.PathEscape(j.ID)
	if j.Status != dam.JobReady {
		return redirect(w, r, inbox, "Your download of "+count(j.AssetCount(), "asset")+
			" is being prepared. It appears here when it is ready; you will be told too.")
	}
	if len(j.Skipped) > 0 {
		return redirect(w, r, inbox, "Your download is ready: "+count(j.AssetCount(), "asset")+", "+
			strconv.Itoa(len(j.Skipped))+" left out (see why below).")
	}
	return h.servePart(w, r, j.ID, 1)
}
