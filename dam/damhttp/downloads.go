package damhttp

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

func init() { routeSets = append(routeSets, (*Server).downloadRoutes) }

// downloadRoutes are downloads of several assets: ZIP archives made at once
// or by the job worker, and the download inbox.
func (s *Server) downloadRoutes() []route {
	return []route{
		{"POST", "/api/v1/downloads", true, s.createDownload},
		{"GET", "/api/v1/downloads", true, s.listDownloads},
		{"GET", "/api/v1/downloads/{job}", true, s.getDownload},
		{"DELETE", "/api/v1/downloads/{job}", true, s.cancelDownload},
		{"GET", "/api/v1/downloads/{job}/parts/{n}", true, s.downloadPart},
		{"POST", "/api/v1/assets/{id}/crops", true, s.downloadCrops},
	}
}

// DownloadJob is the URL of a download job, for "your archive is ready" messages.
func (b links) DownloadJob(id string) string {
	return string(b) + "/api/v1/downloads/" + url.PathEscape(id)
}

// jobBody is a job as the API shows it: each part with its URL, the count
// of skipped assets and, when some could be requested, how to ask.
type jobBody struct {
	dam.Job
	Parts        []partBody   `json:"parts"`
	SkippedCount int          `json:"skipped_count"`
	Request      *requestHint `json:"request,omitempty"`
}

type partBody struct {
	dam.JobPart
	URL string `json:"url,omitempty"` // set once the part is ready
}

func jobJSON(j dam.Job) jobBody {
	b := jobBody{Job: j, Parts: make([]partBody, len(j.Parts)), SkippedCount: len(j.Skipped), Request: requestFor(j.Skipped)}
	if b.Items == nil {
		b.Items = []dam.JobItem{}
	}
	if b.Skipped == nil {
		b.Job.Skipped = []dam.SkippedAsset{}
	}
	for i, p := range j.Parts {
		b.Parts[i] = partBody{JobPart: p}
		if p.Ready && j.Status != dam.JobExpired {
			b.Parts[i].URL = "/api/v1/downloads/" + url.PathEscape(j.ID) + "/parts/" + strconv.Itoa(p.Number)
		}
	}
	return b
}

// requestFor tells how to ask for the skipped assets a request could unlock.
func requestFor(skipped []dam.SkippedAsset) *requestHint {
	var ids []string
	for _, s := range skipped {
		if dam.Requestable(s.Reason) {
			ids = append(ids, s.AssetID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return &requestHint{Method: "POST", Path: "/api/v1/requests", Body: map[string]any{"asset_ids": ids, "reason": "why you need them"}}
}

// wantsStream reports whether the client asked for the ZIP itself in the
// answer (Accept: application/zip, or ?stream=1 for scripts).
func wantsStream(r *http.Request) (bool, error) {
	if stream, err := queryBool(r.URL.Query(), "stream"); stream || err != nil {
		return stream, err
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "application/zip" {
			return true, nil
		}
	}
	return false, nil
}

// createDownload makes a download: 201 with a ready job whose part is built
// on the fly, 202 with a queued job, or (Accept: application/zip) the
// archive itself with the skipped count in X-Damkit-Skipped. With send_to,
// the job's "sent" list says what each recipient got (X-Damkit-Sent counts
// them on a stream).
func (s *Server) createDownload(w http.ResponseWriter, r *http.Request) error {
	stream, err := wantsStream(r)
	if err != nil {
		return err
	}
	var b dam.DownloadRequest
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	b.Stream = stream
	return s.startDownload(w, r, b)
}

// downloadCrops makes a download of one asset's smart crops (with
// ?original=1, and its original), answered as createDownload answers.
func (s *Server) downloadCrops(w http.ResponseWriter, r *http.Request) error {
	stream, err := wantsStream(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	async, err := queryBool(q, "async")
	if err != nil {
		return err
	}
	original, err := queryBool(q, "original")
	if err != nil {
		return err
	}
	return s.startDownload(w, r, dam.DownloadRequest{AssetIDs: []string{r.PathValue("id")}, Crops: true, CropsOnly: !original,
		Async: async, Stream: stream})
}

// startDownload makes the download b and answers with its job or its ZIP.
func (s *Server) startDownload(w http.ResponseWriter, r *http.Request, b dam.DownloadRequest) error {
	j, err := s.lib.CreateDownload(r.Context(), b)
	var nothing *dam.NothingToDownloadError
	if errors.As(err, &nothing) {
		status := statusOf(dam.KindOf(err))
		writeJSON(w, status, map[string]any{
			"error":         errorDetail{Code: dam.KindOf(err).String(), Message: dam.ErrorMessage(err)},
			"skipped":       nothing.Skipped,
			"skipped_count": len(nothing.Skipped),
			"request":       requestFor(nothing.Skipped),
		})
		return nil
	}
	if err != nil {
		return err
	}
	if b.Stream {
		if len(j.Sent) > 0 {
			// The recipients' jobs exist already; GET /api/v1/downloads/{X-Damkit-Job} lists them.
			w.Header().Set("X-Damkit-Sent", strconv.Itoa(len(j.Sent)))
		}
		return s.servePart(w, r, j.ID, 1)
	}
	w.Header().Set("Location", "/api/v1/downloads/"+url.PathEscape(j.ID))
	status := http.StatusAccepted
	if j.Status == dam.JobReady {
		status = http.StatusCreated
	}
	writeJSON(w, status, jobJSON(j))
	return nil
}

func (s *Server) listDownloads(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	js, next, err := s.lib.Jobs(r.Context(), r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	out := make([]jobBody, len(js))
	for i, j := range js {
		out[i] = jobJSON(j)
	}
	writeJSON(w, http.StatusOK, newPage(out, next))
	return nil
}

func (s *Server) getDownload(w http.ResponseWriter, r *http.Request) error {
	j, err := s.lib.Job(r.Context(), r.PathValue("job"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, jobJSON(j))
	return nil
}

func (s *Server) cancelDownload(w http.ResponseWriter, r *http.Request) error {
	if err := s.lib.CancelJob(r.Context(), r.PathValue("job")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) downloadPart(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return dam.E("damhttp.downloadPart", dam.Invalid, "part must be a positive integer")
	}
	return s.servePart(w, r, r.PathValue("job"), n)
}

// servePart sends a part (httpdam.ServePart): a read that fails once
// headers are out is returned, so the wrapper aborts the connection.
func (s *Server) servePart(w http.ResponseWriter, r *http.Request, jobID string, n int) error {
	p, err := s.lib.OpenPart(r.Context(), jobID, n)
	if err != nil {
		return err
	}
	defer p.Close()
	return httpdam.ServePart(w, r, p, s.opts.WriteTimeout)
}
