package handlers

import (
	"qinqing/db/audit"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// autoCheckpointsShown is how many of the daily checkpoints the page lists.
const autoCheckpointsShown = 60

// checkpointPage shows the checkpoint page: the chain's state, the daily checkpoints to
// download, and the outcome of a check when there was one (res, against the automatic
// checkpoint of autoDay when that is set).
func (s *Server) checkpointPage(c *fiber.Ctx, res *audit.CheckpointCheck, autoDay string, err error) error {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	autos, lerr := audit.ListAutoCheckpoints(ctx, s.db, a, autoCheckpointsShown)
	if lerr != nil {
		return lerr
	}
	data, derr := s.workspace(c, "/oversight/checkpoint", fiber.Map{"Key": s.keys.VerifierKey, "Result": res,
		"Autos": autos, "AutoDay": autoDay})
	if derr != nil {
		return derr
	}
	v, verr := audit.VerifySince(ctx, s.db)
	if verr != nil {
		return verr
	}
	data["Chain"] = v
	if err != nil {
		return s.formFailed(c, "oversight_checkpoint", "审计检查点", data, err)
	}
	return s.render(c, "oversight_checkpoint", "审计检查点", data)
}

// oversightCheckpointAuto checks today's log against the latest daily checkpoint, the
// one an auditor needs no file for.
func (s *Server) oversightCheckpointAuto(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	cp, res, err := audit.VerifyAutoCheckpoint(c.UserContext(), s.db, a, s.keys, "latest")
	day := ""
	if cp != nil {
		day = cp.Day
	}
	if db.ErrorCode(err) == db.ENOTFOUND {
		err = db.Errorf(db.ENOTFOUND, "还没有自动检查点：系统每天自动签发一次，服务运行后当天即会生成。")
	}
	return s.checkpointPage(c, res, day, err)
}
