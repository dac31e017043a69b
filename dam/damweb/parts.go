package damweb

import (
	"net/http"
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

// startDownload answers a "Download" form: the archive itself when dam
// made it at once (a small selection), else a redirect to the downloads
// inbox, where the job's progress shows. A selection of which nothing may
// be downloaded is the error page, naming each asset and why.
func (h *Handler) startDownload(w http.ResponseWriter, r *http.Request, req dam.DownloadRequest) error {
	j, err := h.lib.CreateDownload(r.Context(), req)
	if err != nil {
		return err
	}
	if j.Status == dam.JobReady {
		return h.servePart(w, r, j.ID, 1)
	}
	msg := "Your archive is being prepared. It appears here when it is ready"
	if len(j.Skipped) > 0 {
		msg += "; " + strconv.Itoa(len(j.Skipped)) + " asset(s) were left out, listed with the job"
	}
	return redirect(w, r, "/downloads#job-"+j.ID, msg+".")
}
