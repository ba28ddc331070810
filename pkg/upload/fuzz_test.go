package upload

import (
	"net/http"
	"testing"
)

// FuzzErrorMessage: any error body, JSON or not, yields a message without
// panicking.
func FuzzErrorMessage(f *testing.F) {
	f.Add(400, "application/json", jsonError(400, "File already exists ('x.whl', with blake2_256 hash 'ab')."))
	f.Add(503, "text/plain", "503 Service Unavailable\n\nexpl\n\n\ndetail\n\n")
	f.Add(502, "text/html", "<html>bad gateway</html>")
	f.Add(400, "application/json", `{"code": 7}`)
	f.Fuzz(func(t *testing.T, status int, ctype, body string) {
		if status < 100 || status > 999 {
			return
		}
		resp := respond(status, body, http.Header{"Content-Type": {ctype}})
		_ = errorMessage(resp, []byte(body))
	})
}
