package client

import (
	"errors"
	"net"
	"strconv"
	"strings"
)

// defaultPort is the server's default port, used when the user answers the
// port question with an empty line.
const defaultPort = 8090

// parseServer splits what the user typed as the server address into a host and,
// when one was included, a port (0 if none). It accepts IPv4 literals, IPv6
// literals with or without brackets (and with a zone, "fe80::1%eth0"), host
// names, and any of those followed by ":port" (IPv6 then needs its brackets).
func parseServer(s string) (host string, port int, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", 0, errors.New("la dirección está vacía")
	}
	if strings.HasPrefix(s, "[") {
		if strings.HasSuffix(s, "]") {
			host = s[1 : len(s)-1]
		} else {
			h, p, err := net.SplitHostPort(s)
			if err != nil {
				return "", 0, errors.New("dirección IPv6 entre corchetes mal formada")
			}
			if port, err = parsePort(p); err != nil {
				return "", 0, err
			}
			host = h
		}
		if !isIPv6(host) {
			return "", 0, errors.New("entre corchetes solo va una dirección IPv6")
		}
		return host, port, nil
	}
	switch strings.Count(s, ":") {
	case 0:
		host = s
	case 1:
		h, p, _ := strings.Cut(s, ":")
		if port, err = parsePort(p); err != nil {
			return "", 0, err
		}
		host = h
	default:
		if !isIPv6(s) {
			return "", 0, errors.New("dirección IPv6 no válida")
		}
		return s, 0, nil
	}
	if !validHostName(host) {
		return "", 0, errors.New("dirección o nombre de servidor no válido")
	}
	return host, port, nil
}

// isIPv6 reports whether s is an IPv6 literal, possibly with a zone (an
// interface name or number: letters, digits, '-', '.', '_').
func isIPv6(s string) bool {
	addr, zone, hasZone := strings.Cut(s, "%")
	if hasZone && !validHostName(zone) {
		return false
	}
	ip := net.ParseIP(addr)
	return ip != nil && strings.Contains(addr, ":")
}

// validHostName reports whether s can be a host name or an IPv4 literal: letters,
// digits, '-', '.' and '_' only (what a resolver would accept).
func validHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == '_':
		default:
			return false
		}
	}
	return true
}

// parsePort parses a TCP port number, 1 to 65535.
func parsePort(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 65535 {
		return 0, errors.New("el puerto debe ser un número entre 1 y 65535")
	}
	return n, nil
}

// hostHeader returns the value of the Host header for host and port: IPv6
// literals go in brackets and lose their zone, which means nothing to the server.
func hostHeader(host string, port int) string {
	if isIPv6(host) {
		host, _, _ = strings.Cut(host, "%")
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}
