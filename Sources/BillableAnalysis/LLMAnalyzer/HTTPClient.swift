import CCurl
import Foundation
import Synchronization

/// One HTTP response.
package struct HTTPResponse: Sendable {
  package var status: Int
  /// Header names lowercased.
  package var headers: [String: String]
  package var body: Data
}

/// Why a request produced no response.
package struct HTTPError: Error, CustomStringConvertible, Sendable {
  package var message: String
  package var isTimeout: Bool
  package var description: String { message }
}

/// HTTP POST through libcurl. Handles are pooled and reused, so connections stay alive
/// between requests; each transfer runs on its own thread, because curl_easy_perform blocks
/// and a blocked cooperative-pool thread would stall the whole task group (two cores here).
/// TLS peers are verified; connect and total timeouts are set on every request.
package final class CurlHTTPClient: Sendable {
  private struct Handle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
  }

  private let idle = Mutex<[Handle]>([])
  private static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

  package init() {
    _ = Self.globalInit
  }

  deinit {
    idle.withLock { handles in
      for handle in handles { curl_easy_cleanup(handle.raw) }
      handles.removeAll()
    }
  }

  /// POSTs `body` to `url`; never logs headers (they carry the API key).
  package func post(url: String, headers: [String], body: Data, timeoutSeconds: Double) async throws -> HTTPResponse {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
      let thread = Thread { [self] in
        continuation.resume(with: Result { try perform(url: url, headers: headers, body: body, timeoutSeconds: timeoutSeconds) })
      }
      thread.start()
    }
  }

  /// Accumulates a response while curl writes it.
  private final class Sink {
    var body = Data()
    var headers: [String: String] = [:]
    var tooLarge = false
  }

  /// A chat completion is a few kilobytes; a server that streams hundreds of megabytes is
  /// broken or hostile, and holding it all would grow the scan without bound.
  static let mostResponseBytes = 8 << 20

  private func perform(url: String, headers: [String], body: Data, timeoutSeconds: Double) throws -> HTTPResponse {
    let handle = idle.withLock { $0.popLast() } ?? curl_easy_init().map { Handle(raw: $0) }
    guard let handle else { throw HTTPError(message: "cannot create a curl handle", isTimeout: false) }
    defer {
      curl_easy_reset(handle.raw)
      idle.withLock { $0.append(handle) }
    }
    let curl = handle.raw
    let sink = Sink()
    let unmanaged = Unmanaged.passRetained(sink)
    defer { unmanaged.release() }
    var list: UnsafeMutablePointer<curl_slist>? = nil
    for header in headers { list = curl_slist_append(list, header) }
    defer { curl_slist_free_all(list) }
    var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    let payload = [UInt8](body)
    let status: CURLcode = payload.withUnsafeBufferPointer { bytes in
      errorBuffer.withUnsafeMutableBufferPointer { errors in
        _ = billable_curl_set_string(curl, CURLOPT_URL, url)
        _ = billable_curl_set_long(curl, CURLOPT_POST, 1)
        _ = billable_curl_set_pointer(curl, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
        _ = billable_curl_set_long(curl, CURLOPT_POSTFIELDSIZE, bytes.count)
        _ = billable_curl_set_pointer(curl, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list))
        _ = billable_curl_set_long(curl, CURLOPT_NOSIGNAL, 1)
        _ = billable_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT_MS, min(10_000, Int(timeoutSeconds * 1000)))
        _ = billable_curl_set_long(curl, CURLOPT_TIMEOUT_MS, Int(timeoutSeconds * 1000))
        _ = billable_curl_set_long(curl, CURLOPT_SSL_VERIFYPEER, 1)
        _ = billable_curl_set_long(curl, CURLOPT_SSL_VERIFYHOST, 2)
        _ = billable_curl_set_long(curl, CURLOPT_TCP_KEEPALIVE, 1)
        _ = billable_curl_set_pointer(curl, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errors.baseAddress))
        _ = billable_curl_set_write_function(curl, CURLOPT_WRITEFUNCTION) { data, size, count, context in
          guard let data, let context else { return 0 }
          let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
          guard sink.body.count + size * count <= CurlHTTPClient.mostResponseBytes else {
            sink.tooLarge = true
            return 0  // curl stops the transfer with a write error
          }
          sink.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count)
          return size * count
        }
        _ = billable_curl_set_pointer(curl, CURLOPT_WRITEDATA, unmanaged.toOpaque())
        _ = billable_curl_set_write_function(curl, CURLOPT_HEADERFUNCTION) { data, size, count, context in
          guard let data, let context else { return 0 }
          let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
          let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
          if sink.headers.count < 200, let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            sink.headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
          }
          return size * count
        }
        _ = billable_curl_set_pointer(curl, CURLOPT_HEADERDATA, unmanaged.toOpaque())
        return curl_easy_perform(curl)
      }
    }
    if sink.tooLarge {
      throw HTTPError(message: "the response is larger than \(CurlHTTPClient.mostResponseBytes >> 20) MB", isTimeout: false)
    }
    guard status == CURLE_OK else {
      let written = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      let detail = written.isEmpty ? String(cString: curl_easy_strerror(status)) : written
      throw HTTPError(message: detail, isTimeout: status == CURLE_OPERATION_TIMEDOUT)
    }
    var code = 0
    _ = billable_curl_response_code(curl, &code)
    return HTTPResponse(status: code, headers: sink.headers, body: sink.body)
  }
}
