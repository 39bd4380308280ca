// wiretap_file.cc — see wiretap_file.h.
#include "dissect/wiretap_file.h"

#include <cstring>

#include "dissect/wireshark_runtime.h"

namespace xtractr {

std::string wiretap_error(int err, gchar *err_info) {
  std::string message = err > 0 ? std::string(std::strerror(err)) : std::string(wtap_strerror(err));
  if (err_info) {
    if (err <= 0) message += std::string(" (") + err_info + ")";
    g_free(err_info);
  }
  return message;
}

wtap *open_wiretap(const std::string &path, bool random_access, int &err, std::string &reason) {
  ensure_wiretap();  // EpanSession starts libwireshark: a merging process only reads
  err = 0;
  gchar *err_info = nullptr;
  wtap *wth = wtap_open_offline(path.c_str(), WTAP_TYPE_AUTO, &err, &err_info, random_access ? TRUE : FALSE);
  if (!wth) reason = wiretap_error(err, err_info);
  return wth;
}

}  // namespace xtractr
