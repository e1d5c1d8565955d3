#include "api/https_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "api/problem.h"

namespace keyline::api {

namespace {

// One request's state across libmicrohttpd's calls (headers, then body chunks).
struct Pending {
  std::string body;
  bool too_large = false;
};

MHD_Result collect_argument(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* query = static_cast<std::map<std::string, std::string>*>(cls);
  if (key) (*query)[key] = value ? value : "";
  return MHD_YES;
}

MHD_Result send(MHD_Connection* connection, const Response& r) {
  MHD_Response* response = MHD_create_response_from_buffer(
      r.body.size(), const_cast<char*>(r.body.data()), MHD_RESPMEM_MUST_COPY);
  if (!response) return MHD_NO;
  if (!r.content_type.empty())
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type.c_str());
  MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : r.headers)
    MHD_add_response_header(response, name.c_str(), value.c_str());
  MHD_Result rc = MHD_queue_response(connection, static_cast<unsigned>(r.status), response);
  MHD_destroy_response(response);
  return rc;
}

}  // namespace

struct HttpsCallbacks {
  static MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url,
                               const char* method, const char*, const char* upload_data,
                               size_t* upload_data_size, void** state) {
    auto* self = static_cast<HttpsServer*>(cls);
    if (*state == nullptr) {
      *state = new Pending();
      return MHD_YES;  // headers seen; the body (if any) comes next
    }
    auto* pending = static_cast<Pending*>(*state);
    if (*upload_data_size > 0) {
      if (pending->body.size() + *upload_data_size > self->max_body_)
        pending->too_large = true;
      else
        pending->body.append(upload_data, *upload_data_size);
      *upload_data_size = 0;
      return MHD_YES;
    }
    if (pending->too_large)
      return send(connection,
                  problem(413, "body-too-large", "Body too large",
                          "the body is over " + std::to_string(self->max_body_) + " bytes"));
    Request request;
    request.method = method;
    request.path = url;
    request.body = std::move(pending->body);
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collect_argument, &request.query);
    if (const MHD_ConnectionInfo* info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS)) {
      char text[INET6_ADDRSTRLEN] = {};
      const sockaddr* sa = info->client_addr;
      if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
      else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text,
                  sizeof text);
      request.peer = text;
    }
    if (const char* auth =
            MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION))
      request.authorization = auth;
    if (const char* type =
            MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE))
      request.content_type = type;
    return send(connection, self->service_.handle(request));
  }

  static void on_completed(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
    delete static_cast<Pending*>(*state);
    *state = nullptr;
  }
};

Result<std::unique_ptr<HttpsServer>> HttpsServer::start(const HttpsConfig& config,
                                                        const TlsIdentity& identity,
                                                        ApiService& service) {
  std::unique_ptr<HttpsServer> server(new HttpsServer(service, config.max_body_bytes));
  server->cert_pem_ = identity.cert_pem;
  server->key_pem_ = identity.key_pem;

  sockaddr_storage addr{};
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_EPOLL;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, config.listen.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(config.port);
  } else if (inet_pton(AF_INET6, config.listen.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(config.port);
    flags |= MHD_USE_IPv6;
  } else {
    return make_error("config", "api.listen: '" + config.listen + "' is not an IP address");
  }

  // TLS 1.2 and 1.3 only, GnuTLS's secure defaults otherwise.
  static constexpr const char* kPriorities = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
  server->daemon_ =
      MHD_start_daemon(flags, config.port, nullptr, nullptr, &HttpsCallbacks::on_request,
                       server.get(), MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&addr),  //
                       MHD_OPTION_HTTPS_MEM_CERT, server->cert_pem_.c_str(),                    //
                       MHD_OPTION_HTTPS_MEM_KEY, server->key_pem_.c_str(),                      //
                       MHD_OPTION_HTTPS_PRIORITIES, kPriorities,                                //
                       MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned>(config.threads),
                       MHD_OPTION_CONNECTION_LIMIT, 1000u,                                   //
                       MHD_OPTION_CONNECTION_TIMEOUT, 60u,                                   //
                       MHD_OPTION_NOTIFY_COMPLETED, &HttpsCallbacks::on_completed, nullptr,  //
                       MHD_OPTION_END);
  if (!server->daemon_)
    return make_error("io", "API listener on " + config.listen + ":" + std::to_string(config.port) +
                                " could not start (address in use, or no permission)");
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info ? info->port : config.port;
  return server;
}

HttpsServer::~HttpsServer() {
  if (daemon_) MHD_stop_daemon(daemon_);
}

}  // namespace keyline::api
