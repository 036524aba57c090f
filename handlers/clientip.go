package handlers

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ParseTrustedProxies reads "CIDR[,CIDR…]" (a bare address stands for itself), the
// reverse proxies whose X-Forwarded-For the server believes.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR range", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// peerAddr is the socket's remote address. Fiber's c.IP() is the same as long as no
// ProxyHeader is configured; this server never configures one, and reads the header
// itself in clientAddr, only from trusted proxies.
func peerAddr(c *fiber.Ctx) netip.Addr {
	a, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	return a.Unmap()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddr is the address every throttle keys on. From an untrusted peer it is the
// peer, whatever the headers say. From a trusted proxy it is the right-most address of
// X-Forwarded-For that is not itself a trusted proxy: everything left of that was written
// by the client and proves nothing.
func (s *Server) clientAddr(c *fiber.Ctx) netip.Addr {
	peer := peerAddr(c)
	if !s.trusted(peer) {
		return peer
	}
	addr := peer
	headers := c.Request().Header.PeekAll(fiber.HeaderXForwardedFor)
	for i := len(headers) - 1; i >= 0; i-- {
		hops := strings.Split(string(headers[i]), ",")
		for j := len(hops) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[j]))
			if err != nil {
				// A hop no trusted proxy would write: stop at the last one believed.
				return addr
			}
			addr = a.Unmap()
			if !s.trusted(addr) {
				return addr
			}
		}
	}
	return addr
}

// clientIP is clientAddr as a throttle key.
func (s *Server) clientIP(c *fiber.Ctx) string { return s.clientAddr(c).String() }

// forwarded reports whether the request carries any forwarding header.
func forwarded(c *fiber.Ctx) bool {
	return c.Get(fiber.HeaderXForwardedFor) != "" || c.Get("Forwarded") != "" || c.Get("X-Real-Ip") != ""
}

// fromLoopback reports whether the request comes from this machine. A request relayed by
// a proxy on this machine that is not configured as trusted carries forwarding headers
// and is not taken for local, so that such a proxy does not make the world loopback.
func (s *Server) fromLoopback(c *fiber.Ctx) bool {
	if !s.trusted(peerAddr(c)) && forwarded(c) {
		return false
	}
	return s.clientAddr(c).IsLoopback()
}
