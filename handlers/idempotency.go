package handlers

import (
	"context"
	"crypto/sha256"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// maxIdemKey bounds an Idempotency-Key; a UUID or a hash fits easily.
const maxIdemKey = 128

// idempotentRoutes are the creating POSTs that answer through created, for the API
// description.
var idempotentRoutes = map[string]bool{
	"/appeals": true, "/visits": true, "/public/reports": true, "/users": true, "/departments": true,
	"/leaders": true, "/enterprises": true, "/liaisons": true, "/issue-classes": true,
	"/oversight/accountability": true, "/oversight/cases": true, "/messages": true, "/messages/:id/appeal": true,
}

// idemDoc describes the header where the API description lists an idempotent create.
const idemDoc = "可选。1 到 128 个可打印 ASCII 字符，由客户端为每次新建生成（如 UUID）。" +
	"同一调用者在 24 小时内以同一键重发同一请求，得到首次的状态与响应体（响应头 Idempotent-Replayed: true），不会重复新建；" +
	"同一键用于不同请求体时答 422；格式不符答 400。公众举报不重放回执码：重发答 409。"

// created answers a creating POST with 201 and what run returns. With an
// Idempotency-Key header, a repeat of the request by the same caller answers what the
// first one did instead of creating again. keep=false is for answers that must be
// shown only once: their repeat is refused.
func (s *Server) created(c *fiber.Ctx, keep bool, run func() (any, error)) error {
	key := c.Get("Idempotency-Key")
	if key == "" {
		v, err := run()
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(v)
	}
	if !validIdemKey(key) {
		return db.Errorf(db.EBADREQUEST, "Idempotency-Key 须为 1 到 128 个可打印 ASCII 字符。")
	}
	caller := db.PublicCaller
	if a, ok := actorOf(c); ok {
		caller = "u:" + strconv.FormatInt(a.UserID, 10)
	}
	h := sha256.New()
	h.Write([]byte(c.Method() + " " + c.Path() + "\n"))
	h.Write(c.Body())
	k := db.IdemKey{Caller: caller, Key: strings.Clone(key), Hash: h.Sum(nil), Keep: keep}
	ans, err := s.db.Idempotent(c.UserContext(), k, fiber.StatusCreated, func(ctx context.Context) (any, error) {
		// The handlers' db calls read the request's context; this one carries the key to
		// the create's write.
		c.SetUserContext(ctx)
		return run()
	})
	if err != nil {
		return err
	}
	if ans.Replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Status(ans.Status).Send(ans.Body)
}

func validIdemKey(k string) bool {
	if len(k) == 0 || len(k) > maxIdemKey {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}
