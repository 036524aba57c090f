package handlers

func (s *Server) mountAdminPages(web *pageRouter) {}
