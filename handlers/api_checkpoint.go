package handlers

import (
	"fmt"
	"io"
	"qinqing/db/audit"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// maxCheckpoint bounds an uploaded checkpoint: a few lines and a signature or two.
const maxCheckpoint = 16 << 10

// apiCheckpoint signs the log's current size and root: a text file to keep, or JSON
// with ?format=json.
func (s *Server) apiCheckpoint(c *fiber.Ctx) error {
	cp, err := audit.SignCheckpoint(c.UserContext(), s.db, s.keys)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if c.Query("format") == "json" {
		return c.JSON(cp)
	}
	name := fmt.Sprintf("qinqing-checkpoint-%d-%s.txt", cp.Size, cp.Time.Format("20060102-150405"))
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	return c.SendString(cp.Note)
}

// checkpointBody reads a checkpoint sent as text, as JSON {checkpoint} or as a file.
func checkpointBody(c *fiber.Ctx) ([]byte, error) {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	var raw []byte
	switch {
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		fh, err := c.FormFile("checkpoint")
		if err != nil {
			return nil, fieldError(db.EINVALID, "checkpoint", "请选择检查点文件")
		}
		if fh.Size > maxCheckpoint {
			return nil, db.Errorf(db.ETOOLARGE, "检查点文件过大。")
		}
		f, err := fh.Open()
		if err != nil {
			return nil, badRequest("无法读取上传的文件。")
		}
		defer f.Close()
		raw, err = io.ReadAll(io.LimitReader(f, maxCheckpoint))
		if err != nil {
			return nil, badRequest("无法读取上传的文件。")
		}
	case strings.HasPrefix(ct, "application/json"):
		var in struct {
			Checkpoint string `json:"checkpoint"`
		}
		if err := decodeJSON(c, &in); err != nil {
			return nil, err
		}
		raw = []byte(in.Checkpoint)
	default:
		raw = c.Body()
	}
	if len(raw) > maxCheckpoint {
		return nil, db.Errorf(db.ETOOLARGE, "检查点文件过大。")
	}
	// Files saved on Windows come back with CRLF; a note is LF only.
	return []byte(strings.ReplaceAll(string(raw), "\r\n", "\n")), nil
}

func (s *Server) apiVerifyCheckpoint(c *fiber.Ctx) error {
	raw, err := checkpointBody(c)
	if err != nil {
		return err
	}
	res, err := audit.VerifyCheckpoint(c.UserContext(), s.db, s.keys, raw)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) apiAuditKey(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"name": db.KeyName, "verifier_key": s.keys.VerifierKey})
}
