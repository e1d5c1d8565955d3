// A WAV file written while a call goes on: 16-bit PCM, mono or stereo,
// appended a buffer at a time (a recording is never held in memory whole)
// and its RIFF sizes fixed up when it is finished. The file is created new
// (never over an existing one) with mode 0600, and on any write error it is
// closed and removed, so a half-written recording never stays on disk.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"

namespace keyline::media {

class WavFileWriter {
 public:
  // Errors are of kind "io"; messages name the operation, not the path's
  // contents. channels: 1 or 2.
  static Result<WavFileWriter> create(const std::string& path, int channels, int sample_rate);
  WavFileWriter(WavFileWriter&& other) noexcept;
  WavFileWriter& operator=(WavFileWriter&& other) noexcept;
  WavFileWriter(const WavFileWriter&) = delete;
  WavFileWriter& operator=(const WavFileWriter&) = delete;
  // A writer dropped without finish() finishes the file (a recording cut
  // short by an ended call is still a recording).
  ~WavFileWriter();

  // Interleaved samples; a partial sample frame is the caller's bug and is
  // written as given. After an error every call fails and the file is gone.
  Status append(std::span<const std::int16_t> samples);
  // Flushes, writes the final sizes into the header and closes.
  Status finish();
  // Closes and removes the file (the recording is not wanted after all).
  void discard();

  bool open() const { return fd_ >= 0; }
  int channels() const { return channels_; }
  int sample_rate() const { return sample_rate_; }
  const std::string& path() const { return path_; }
  // Sample frames (one sample per channel) appended so far.
  std::uint64_t frames() const { return data_bytes_ / (2u * static_cast<unsigned>(channels_)); }

 private:
  WavFileWriter(int fd, std::string path, int channels, int sample_rate);
  Status flush();
  Status fail(const char* what);

  int fd_ = -1;
  std::string path_;
  int channels_ = 1;
  int sample_rate_ = 8000;
  std::uint64_t data_bytes_ = 0;  // appended, flushed or not
  std::vector<std::uint8_t> buffer_;
};

// Creates `path` (and missing parents) as directories of mode 0700, or
// tightens an existing one to 0700: recordings may hold a caller's voice.
Status ensure_private_directory(const std::string& path);

}  // namespace keyline::media
