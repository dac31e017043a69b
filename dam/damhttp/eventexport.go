package damhttp

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

// The media types of the usage log's exports.
const (
	csvType   = "text/csv; charset=utf-8"
	jsonlType = "application/jsonl"
)

// eventFormat picks the answer of GET /api/v1/events: ?format= (json,
// csv, jsonl) wins over Accept (text/csv; application/jsonl,
// application/x-ndjson or application/x-jsonlines); the default is the
// paged JSON listing.
func eventFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "json", "csv", "jsonl":
		return f, nil
	case "ndjson":
		return "jsonl", nil
	case "":
	default:
		return "", dam.E("damhttp.listEvents", dam.Invalid, "format must be json, csv or jsonl, not %.20q", f)
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "text/csv":
			return "csv", nil
		case "application/jsonl", "application/x-ndjson", "application/x-jsonlines", "application/jsonlines":
			return "jsonl", nil
		case "application/json", "*/*", "application/*":
			return "json", nil
		}
	}
	return "json", nil
}

// eventColumns are the CSV export's columns.
var eventColumns = []string{"id", "time", "action", "actor_id", "asset_id", "detail"}

// exportEvents streams every event selected, oldest first, as CSV or
// JSON Lines, a page of the store at a time (constant memory). An error
// after the first byte cuts the connection, so a partial export never
// looks complete.
func (s *Server) exportEvents(w http.ResponseWriter, r *http.Request, format string, q dam.EventQuery) error {
	ctype, ext := jsonlType, "jsonl"
	if format == "csv" {
		ctype, ext = csvType, "csv"
	}
	dw := httpdam.DeadlineWriter(w, s.opts.WriteTimeout)
	bw := bufio.NewWriterSize(dw, 64<<10)
	var cw *csv.Writer
	enc := json.NewEncoder(bw)
	row := make([]string, len(eventColumns))
	started := false
	start := func() error {
		started = true
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Disposition", `attachment; filename="events.`+ext+`"`)
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		if format == "csv" {
			cw = csv.NewWriter(bw)
			return cw.Write(eventColumns)
		}
		return nil
	}
	err := s.lib.ExportEvents(r.Context(), q, func(e dam.Event) error {
		if !started {
			if err := start(); err != nil {
				return err
			}
		}
		if cw != nil {
			row[0], row[1], row[2], row[3], row[4], row[5] = e.ID, e.Time.UTC().Format(time.RFC3339Nano), string(e.Action),
				csvCell(e.ActorID), e.AssetID, csvCell(e.Detail)
			return cw.Write(row)
		}
		return enc.Encode(e)
	})
	if err != nil {
		return err // before the header: a JSON error; after: the connection is cut
	}
	if !started {
		if err := start(); err != nil {
			return err
		}
	}
	if cw != nil {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// csvCell defuses a value a spreadsheet would run as a formula (one
// starting with =, +, -, @, a tab or a carriage return: OWASP's CSV
// injection advice) by putting a ' before it.
func csvCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
