// Random bindings: ctorch.Generator, seeding and RNG state, random factories and the in-place
// Tensor samplers (uniform_, normal_, bernoulli_, random_, exponential_).
#include <random>

#include "ctorch/core/generator.h"
#include "ctorch/cuda/cuda_api.h"
#include "factory.h"

namespace ctorch {
namespace py_bind {

namespace {

using GenPtr = std::shared_ptr<Generator>;

GenPtr default_gen_ptr() {
  static GenPtr p(&default_generator(), [](Generator*) {});  // the default is never freed
  return p;
}

// Seeds: any int in [-2^63, 2^64); negatives wrap like torch's (uint64 reinterpretation).
uint64_t parse_seed(py::handle h) {
  PyObject* o = h.ptr();
  if (!PyLong_Check(o)) throw TypeError(str_cat("manual_seed expected a long, but got ", Py_TYPE(h.ptr())->tp_name));
  int of = 0;
  long long v = PyLong_AsLongLongAndOverflow(o, &of);
  if (!of) return uint64_t(v);
  unsigned long long u = PyLong_AsUnsignedLongLong(o);
  if (u == (unsigned long long)-1 && PyErr_Occurred()) {
    PyErr_Clear();
    PyErr_SetString(PyExc_ValueError, "Overflow when unpacking long long");
    throw py::error_already_set();
  }
  return u;
}

Tensor state_tensor(const Generator& g) {
  std::vector<uint8_t> s = g.get_state();
  Tensor t = empty({int64_t(s.size())}, TensorOptions().dtype(kUInt8));
  std::memcpy(t.data_ptr(), s.data(), s.size());
  return t;
}

void set_state_from(Generator& g, py::handle h) {
  if (!py::isinstance<TensorImpl>(h))
    throw TypeError(str_cat("expected a torch.ByteTensor, but got ", Py_TYPE(h.ptr())->tp_name));
  Tensor t = h.cast<Tensor>();
  CT_CHECK_TYPE(t.dtype() == kUInt8 && t.device().is_cpu(), "RNG state must be a torch.ByteTensor");
  Tensor c = contiguous(t);
  try {
    g.set_state(static_cast<const uint8_t*>(c.data_ptr()), size_t(c.numel()));
  } catch (const std::invalid_argument& e) {
    throw Error(e.what());  // torch raises RuntimeError here
  }
}

Generator* gen_kw(py::kwargs& kw, py::object& keep) {
  if (!kw.contains("generator")) return nullptr;
  keep = kw["generator"];
  PyDict_DelItemString(kw.ptr(), "generator");
  return keep.is_none() ? nullptr : generator_from_py(keep);
}

void no_more_kwargs(const char* fn, const py::kwargs& kw) {
  for (auto item : kw)
    throw TypeError(str_cat(fn, "() got an unexpected keyword argument '", std::string(py::str(item.first)), "'"));
}

// Positional-or-keyword argument `i` named `name`, or a default.
py::object arg(const py::args& a, py::kwargs& kw, size_t i, const char* name) {
  if (i < a.size()) return a[i];
  if (kw.contains(name)) {
    py::object v = kw[name];
    PyDict_DelItemString(kw.ptr(), name);
    return v;
  }
  return py::object();
}

Tensor like_tensor(const Tensor& t, const FactoryOpts& o) {
  TensorOptions to = o.options();
  if (!o.device_given) to.device_ = t.device();
  return empty_like_preserve(t, to, o.preserve_format);
}

}  // namespace

Generator* generator_from_py(py::handle h) {
  if (!py::isinstance<Generator>(h))
    throw TypeError(str_cat("expected a torch.Generator, but got ", Py_TYPE(h.ptr())->tp_name));
  return h.cast<Generator*>();
}

void init_random(py::module_& m, TensorClass& cls) {
  py::class_<Generator, GenPtr> gen(m, "Generator");
  gen.def(py::init([](py::object device) {
        const Device d = device.is_none() ? Device() : parse_device(device);
        if (d.is_cuda()) return Generator::make_cuda(cuda::resolve(d).index);  // raises without CUDA
        return std::make_shared<Generator>();
      }), "device"_a = "cpu")
      .def("manual_seed", [](py::object self, py::handle s) {
        self.cast<Generator&>().manual_seed(parse_seed(s));
        return self;
      })
      .def("seed", [](Generator& g) { return g.seed(); })
      .def("initial_seed", [](const Generator& g) { return g.initial_seed(); })
      .def("get_state", [](const Generator& g) { return state_tensor(g); })
      .def("set_state", [](py::object self, py::handle s) {
        set_state_from(self.cast<Generator&>(), s);
        return self;
      })
      .def("clone_state", [](const Generator& g) { return g.clone(); })
      .def_property_readonly("device", [](const Generator& g) {
        return g.is_cuda() ? Device(kCUDA, g.cuda_index()) : Device();
      })
      .def(py::pickle(
          [](const Generator& g) {
            const Device d = g.is_cuda() ? Device(kCUDA, g.cuda_index()) : Device();
            return py::make_tuple(g.initial_seed(), state_tensor(g), d.str());
          },
          [](py::tuple t) {
            const Device d = t.size() > 2 ? Device(t[2].cast<std::string>()) : Device();
            auto g = d.is_cuda() ? Generator::make_cuda(cuda::resolve(d).index) : std::make_shared<Generator>();
            set_state_from(*g, t[1]);
            return g;
          }));
  m.attr("default_generator") = py::cast(default_gen_ptr());

  m.def("manual_seed", [](py::handle s) {
    default_generator().manual_seed(parse_seed(s));
    return default_gen_ptr();
  }, "seed"_a);
  m.def("seed", [] { return default_generator().seed(); });
  m.def("initial_seed", [] { return default_generator().initial_seed(); });
  m.def("get_rng_state", [] { return state_tensor(default_generator()); });
  m.def("set_rng_state", [](py::handle s) { set_state_from(default_generator(), s); }, "new_state"_a);

  // ---- factories
  auto sized = [&m](const char* name, bool gaussian) {
    m.def(name, [name, gaussian](py::args args, py::kwargs kw) {
      IntList size = parse_size_args(name, args, 0, kw);
      FactoryOpts o = parse_factory_kwargs(name, kw, kKwFactory | kKwGenerator);
      TensorOptions to = o.options();
      Tensor t = gaussian ? randn(size, to, o.gen) : rand(size, to, o.gen);
      return finish_factory(name, t, o);
    });
  };
  sized("rand", false);
  sized("randn", true);

  m.def("randint", [](py::args args, py::kwargs kw) {
    py::object low, high, size;
    if (args.size() >= 3) {
      low = args[0]; high = args[1]; size = args[2];
      CT_CHECK_TYPE(args.size() == 3, "randint() takes at most 3 positional arguments");
    } else if (args.size() == 2) {
      if (kw.contains("size")) { low = args[0]; high = args[1]; size = arg(args, kw, 9, "size"); }
      else { high = args[0]; size = args[1]; }
    } else {
      if (args.size() == 1) high = args[0];
      if (kw.contains("low")) low = arg(args, kw, 9, "low");
      if (!high) high = arg(args, kw, 9, "high");
      else if (kw.contains("high")) { low = high; high = arg(args, kw, 9, "high"); }
      size = arg(args, kw, 9, "size");
    }
    if (!high || !size)
      throw TypeError("randint() received an invalid combination of arguments - expected (int high, tuple of ints "
                      "size) or (int low, int high, tuple of ints size)");
    int hp = low ? 2 : 1;
    int64_t lo = low ? parse_int("randint", "low", 1, low) : 0;
    int64_t hi = parse_int("randint", "high", hp, high);
    IntList sz = parse_int_list("randint", "size", hp + 1, size);
    FactoryOpts o = parse_factory_kwargs("randint", kw, kKwFactory | kKwGenerator);
    TensorOptions to = o.options();
    if (!to.dtype_) to.dtype_ = kInt64;
    return finish_factory("randint", randint(lo, hi, sz, to, o.gen), o);
  });
  m.def("randperm", [](py::handle n, py::kwargs kw) {
    int64_t nn = parse_int("randperm", "n", 1, n);
    FactoryOpts o = parse_factory_kwargs("randperm", kw, kKwFactory | kKwGenerator);
    return finish_factory("randperm", randperm(nn, o.options(), o.gen), o);
  }, "n"_a);
  m.def("normal", [](py::args args, py::kwargs kw) {
    py::object mean = arg(args, kw, 0, "mean"), sd_o = arg(args, kw, 1, "std"), size = arg(args, kw, 2, "size");
    CT_CHECK_TYPE(args.size() <= 3, "normal() takes at most 3 positional arguments");
    bool mt = mean && py::isinstance<TensorImpl>(mean), st = sd_o && py::isinstance<TensorImpl>(sd_o);
    if (mt || st) {
      CT_CHECK_TYPE(!size, "normal(): 'size' is only accepted with float mean and std");
      FactoryOpts o = parse_factory_kwargs("normal", kw, kKwOut | kKwGenerator);
      Tensor r;
      if (mt && st) r = normal(mean.cast<Tensor>(), sd_o.cast<Tensor>(), o.gen);
      else if (mt) r = normal(mean.cast<Tensor>(), sd_o ? parse_double("normal", "std", 2, sd_o) : 1.0, o.gen);
      else r = normal(parse_double("normal", "mean", 1, mean), sd_o.cast<Tensor>(), o.gen);
      return finish_factory("normal", r, o);
    }
    if (!mean || !sd_o || !size)
      throw TypeError("normal() received an invalid combination of arguments - expected (Tensor mean, Tensor std), "
                      "(Tensor mean, float std), (float mean, Tensor std) or (float mean, float std, tuple of ints size)");
    double mu = parse_double("normal", "mean", 1, mean), sd = parse_double("normal", "std", 2, sd_o);
    IntList sz = parse_int_list("normal", "size", 3, size);
    FactoryOpts o = parse_factory_kwargs("normal", kw, kKwFactory | kKwGenerator);
    return finish_factory("normal", normal(mu, sd, sz, o.options(), o.gen), o);
  });
  m.def("bernoulli", [](const Tensor& input, py::args args, py::kwargs kw) {
    py::object p = arg(args, kw, 0, "p");
    FactoryOpts o = parse_factory_kwargs("bernoulli", kw, kKwOut | kKwGenerator);
    Tensor r = (p && !p.is_none()) ? bernoulli(input, parse_double("bernoulli", "p", 2, p), o.gen) : bernoulli(input, o.gen);
    return finish_factory("bernoulli", r, o);
  }, "input"_a);
  m.def("rand_like", [](const Tensor& t, py::kwargs kw) {
    FactoryOpts o = parse_factory_kwargs("rand_like", kw, kKwLike | kKwGenerator);
    Tensor r = like_tensor(t, o);
    uniform_(r, 0, 1, o.gen);
    return finish_factory("rand_like", r, o);
  }, "input"_a);
  m.def("randn_like", [](const Tensor& t, py::kwargs kw) {
    FactoryOpts o = parse_factory_kwargs("randn_like", kw, kKwLike | kKwGenerator);
    Tensor r = like_tensor(t, o);
    normal_(r, 0, 1, o.gen);
    return finish_factory("randn_like", r, o);
  }, "input"_a);
  m.def("randint_like", [](const Tensor& t, py::args args, py::kwargs kw) {
    py::object a0, a1;  // randint_like(t, high) or randint_like(t, low, high)
    if (args.size() >= 2) {
      a0 = args[0];
      a1 = args[1];
    } else if (args.size() == 1) {
      if (kw.contains("high")) { a0 = args[0]; a1 = arg(args, kw, 9, "high"); }
      else a1 = args[0];
    } else {
      a0 = arg(args, kw, 9, "low");
      a1 = arg(args, kw, 9, "high");
    }
    CT_CHECK_TYPE(a1, "randint_like() missing required argument 'high'");
    int64_t lo = a0 ? parse_int("randint_like", "low", 2, a0) : 0;
    int64_t hi = parse_int("randint_like", "high", a0 ? 3 : 2, a1);
    FactoryOpts o = parse_factory_kwargs("randint_like", kw, kKwLike | kKwGenerator);
    Tensor r = like_tensor(t, o);
    random_(r, lo, hi, o.gen);
    return finish_factory("randint_like", r, o);
  }, "input"_a);

  // ---- in-place samplers on Tensor
  cls.def("uniform_", [](Tensor& t, py::args a, py::kwargs kw) {
    py::object keep;
    Generator* g = gen_kw(kw, keep);
    py::object f = arg(a, kw, 0, "from"), to = arg(a, kw, 1, "to");
    no_more_kwargs("uniform_", kw);
    return uniform_(t, f ? parse_double("uniform_", "from", 1, f) : 0.0, to ? parse_double("uniform_", "to", 2, to) : 1.0, g);
  });
  cls.def("normal_", [](Tensor& t, py::args a, py::kwargs kw) {
    py::object keep;
    Generator* g = gen_kw(kw, keep);
    py::object mu = arg(a, kw, 0, "mean"), sd = arg(a, kw, 1, "std");
    no_more_kwargs("normal_", kw);
    return normal_(t, mu ? parse_double("normal_", "mean", 1, mu) : 0.0, sd ? parse_double("normal_", "std", 2, sd) : 1.0, g);
  });
  cls.def("bernoulli_", [](Tensor& t, py::args a, py::kwargs kw) -> Tensor& {
    py::object keep;
    Generator* g = gen_kw(kw, keep);
    py::object p = arg(a, kw, 0, "p");
    no_more_kwargs("bernoulli_", kw);
    if (p && py::isinstance<TensorImpl>(p)) return bernoulli_(t, p.cast<Tensor>(), g);
    return bernoulli_(t, p ? parse_double("bernoulli_", "p", 1, p) : 0.5, g);
  });
  cls.def("bernoulli", [](const Tensor& t, py::args a, py::kwargs kw) {
    py::object keep;
    Generator* g = gen_kw(kw, keep);
    py::object p = arg(a, kw, 0, "p");
    no_more_kwargs("bernoulli", kw);
    if (p && !p.is_none()) return bernoulli(t, parse_double("bernoulli", "p", 1, p), g);
    return bernoulli(t, g);
  });
  cls.def("random_", [](Tensor& t, py::args a, py::kwargs kw) -> Tensor& {
    py::object keep;
    Generator* g = gen_kw(kw, keep);
    py::object f = arg(a, kw, 0, "from"), to = arg(a, kw, 1, "to");
    no_more_kwargs("random_", kw);
    if (!f) return random_(t, g);
    if (!to) {
      if (a.size() == 1) return random_(t, 0, parse_int("random_", "to", 1, f), g);  // random_(to)
      return random_(t, parse_int("random_", "from", 1, f), std::nullopt, g);
    }
    std::optional<int64_t> hi;
    if (!to.is_none()) hi = parse_int("random_", "to", 2, to);
    return random_(t, parse_int("random_", "from", 1, f), hi, g);
  });
  cls.def("exponential_", [](Tensor& t, py::args a, py::kwargs kw) -> Tensor& {
    py::object keep;
    Generator* g = gen_kw(kw, keep);
    py::object l = arg(a, kw, 0, "lambd");
    no_more_kwargs("exponential_", kw);
    return exponential_(t, l ? parse_double("exponential_", "lambd", 1, l) : 1.0, g);
  });
}

}  // namespace py_bind
}  // namespace ctorch
