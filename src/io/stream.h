// A connected byte stream (plain TCP or TLS) as the protocols above io see it:
// they frame and parse, the stream only buffers. Kept abstract so SIP reuses
// one connection table and one Peer type for both transports.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "io/endpoint.h"

namespace keyline::io {

class Stream : public std::enable_shared_from_this<Stream> {
 public:
  // The handler consumes what it can from `buffer` (erasing the consumed prefix).
  using DataHandler = std::function<void(Stream& stream, std::string& buffer)>;
  using CloseHandler = std::function<void(Stream& stream)>;

  virtual ~Stream() = default;

  virtual void set_handlers(DataHandler on_data, CloseHandler on_close) = 0;
  // Queues what cannot be written now; false when the stream is closed.
  virtual bool send(std::string_view bytes) = 0;
  virtual void close() = 0;  // idempotent; fires the close handler once
  virtual bool open() const = 0;
  virtual const Endpoint& remote() const = 0;
  virtual const Endpoint& local() const = 0;
};

}  // namespace keyline::io
