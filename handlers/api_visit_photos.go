package handlers

import (
	"net/url"
	"qinqing/db/appeal"
	"qinqing/db/ledger"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// readPhotos reads the multipart files of a visit form: the field file, as on appeal
// attachments, each bounded like an attachment.
func readPhotos(c *fiber.Ctx) ([]appeal.Upload, error) {
	ups, err := readUploads(c)
	if err != nil {
		return nil, err
	}
	// A phone's empty file input still sends one part with no name and no bytes.
	out := ups[:0]
	for _, up := range ups {
		if up.Name != "" || len(up.Data) > 0 {
			out = append(out, up)
		}
	}
	return out, nil
}

// multipartValues returns a form field's values from a multipart body, or nil when the
// body is not multipart.
func multipartValues(c *fiber.Ctx, name string) ([]string, bool) {
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		return nil, false
	}
	form, err := c.MultipartForm()
	if err != nil {
		return nil, true
	}
	return form.Value[name], true
}

func (s *Server) apiAddVisitPhotos(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ups, err := readPhotos(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	photos, err := ledger.AddVisitPhotos(c.UserContext(), s.db, a, id, ups)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"items": photos})
}

// apiVisitPhoto serves a photo to whoever may see its visit. The headers are those of
// appeal attachments: the type read from the content, never sniffed again by the
// browser, a download disposition (an <img> still shows it), no shared cache.
func (s *Server) apiVisitPhoto(c *fiber.Ctx) error {
	visitID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	photoID, err := pathID(c, "photo")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	p, path, err := ledger.OpenVisitPhoto(c.UserContext(), s.db, a, visitID, photoID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, p.ContentType)
	c.Set(fiber.HeaderContentDisposition, "attachment; filename=\"photo-"+strconv.FormatInt(p.ID, 10)+
		"\"; filename*=UTF-8''"+url.PathEscape(p.Name))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendFile(path)
}
