// Control-vector and hidden-state hook for node-llama-cpp.
//
// Contract:
// - This addon is compiled against llama.h only and links no llama.cpp library. At attach() it finds the
//   libllama that node-llama-cpp already mapped into the process (Linux: /proc/self/maps), opens it with
//   RTLD_NOLOAD and resolves every llama_* / ggml_* symbol from that instance. The same addon therefore
//   works with node-llama-cpp's CPU, CUDA and Vulkan builds, and the model weights exist once.
// - attach() receives node-llama-cpp's AddonModel JS object (LlamaModel._model), unwraps it with
//   napi_unwrap and locates its `llama_model* model; const llama_vocab* vocab;` field pair by checking
//   llama_model_get_vocab(model) == vocab, which only does pointer arithmetic on `model`.
// - Each Context is our own llama_context on that llama_model. A probe context additionally sets cb_eval
//   to read or modify the output of one transformer block (tensor "l_out-<layer>", 0-based).
// - Control vectors use llama_set_adapter_cvec, whose data buffer starts at block 1, so block 0 cannot be
//   steered this way.
#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "llama.h"
#include "napi.h"

namespace {

struct LlamaApi {
  bool ready = false;
  std::string libraryPath;
  decltype(&llama_model_get_vocab) model_get_vocab = nullptr;
  decltype(&llama_model_n_embd) model_n_embd = nullptr;
  decltype(&llama_model_n_layer) model_n_layer = nullptr;
  decltype(&llama_vocab_n_tokens) vocab_n_tokens = nullptr;
  decltype(&llama_vocab_is_eog) vocab_is_eog = nullptr;
  decltype(&llama_context_default_params) context_default_params = nullptr;
  decltype(&llama_init_from_model) init_from_model = nullptr;
  decltype(&llama_free) free_context = nullptr;
  decltype(&llama_batch_init) batch_init = nullptr;
  decltype(&llama_batch_free) batch_free = nullptr;
  decltype(&llama_decode) decode = nullptr;
  decltype(&llama_get_logits_ith) get_logits_ith = nullptr;
  decltype(&llama_get_memory) get_memory = nullptr;
  decltype(&llama_memory_clear) memory_clear = nullptr;
  decltype(&llama_memory_seq_rm) memory_seq_rm = nullptr;
  decltype(&llama_memory_seq_cp) memory_seq_cp = nullptr;
  decltype(&llama_set_adapter_cvec) set_adapter_cvec = nullptr;
  decltype(&ggml_backend_tensor_get) tensor_get = nullptr;
  decltype(&ggml_backend_tensor_set) tensor_set = nullptr;
};

LlamaApi api;
std::mutex apiMutex;

// Find the path of the libllama shared object mapped into this process (not libllama-common).
std::string FindMappedLlamaLibrary() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    const auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    const std::string path = line.substr(slash);
    const auto base = path.substr(path.find_last_of('/') + 1);
    if (base.rfind("libllama", 0) == 0 && base.find("common") == std::string::npos &&
        base.find(".so") != std::string::npos) {
      return path;
    }
  }
  return "";
}

template <typename T>
bool Resolve(void* handle, const char* name, T& slot, std::string& missing) {
  slot = reinterpret_cast<T>(dlsym(handle, name));
  if (slot == nullptr) missing += std::string(missing.empty() ? "" : ", ") + name;
  return slot != nullptr;
}

void LoadApi(Napi::Env env) {
  std::lock_guard<std::mutex> lock(apiMutex);
  if (api.ready) return;
  const std::string path = FindMappedLlamaLibrary();
  if (path.empty()) {
    throw Napi::Error::New(env, "No libllama is loaded in this process. Load a model with node-llama-cpp before attaching the guidance hook.");
  }
  // RTLD_NOLOAD returns the already loaded instance and never loads a second copy.
  void* handle = dlopen(path.c_str(), RTLD_LAZY | RTLD_NOLOAD);
  if (handle == nullptr) {
    throw Napi::Error::New(env, "dlopen(RTLD_NOLOAD) failed for " + path + ": " + dlerror());
  }
  std::string missing;
  Resolve(handle, "llama_model_get_vocab", api.model_get_vocab, missing);
  Resolve(handle, "llama_model_n_embd", api.model_n_embd, missing);
  Resolve(handle, "llama_model_n_layer", api.model_n_layer, missing);
  Resolve(handle, "llama_vocab_n_tokens", api.vocab_n_tokens, missing);
  Resolve(handle, "llama_vocab_is_eog", api.vocab_is_eog, missing);
  Resolve(handle, "llama_context_default_params", api.context_default_params, missing);
  Resolve(handle, "llama_init_from_model", api.init_from_model, missing);
  Resolve(handle, "llama_free", api.free_context, missing);
  Resolve(handle, "llama_batch_init", api.batch_init, missing);
  Resolve(handle, "llama_batch_free", api.batch_free, missing);
  Resolve(handle, "llama_decode", api.decode, missing);
  Resolve(handle, "llama_get_logits_ith", api.get_logits_ith, missing);
  Resolve(handle, "llama_get_memory", api.get_memory, missing);
  Resolve(handle, "llama_memory_clear", api.memory_clear, missing);
  Resolve(handle, "llama_memory_seq_rm", api.memory_seq_rm, missing);
  Resolve(handle, "llama_memory_seq_cp", api.memory_seq_cp, missing);
  Resolve(handle, "llama_set_adapter_cvec", api.set_adapter_cvec, missing);
  // ggml symbols come from libllama's dependencies, which dlsym on the handle also searches.
  Resolve(handle, "ggml_backend_tensor_get", api.tensor_get, missing);
  Resolve(handle, "ggml_backend_tensor_set", api.tensor_set, missing);
  if (!missing.empty()) {
    throw Napi::Error::New(env, "The loaded libllama (" + path + ") lacks symbols: " + missing +
                                    ". Use the node-llama-cpp version this addon was built for.");
  }
  api.libraryPath = path;
  api.ready = true;
}

// Locate the llama_model* inside node-llama-cpp's AddonModel instance.
llama_model* FindModelPointer(Napi::Env env, void* addonModel) {
  const auto* bytes = static_cast<const unsigned char*>(addonModel);
  llama_model* found = nullptr;
  int matches = 0;
  // AddonModel is a few hundred bytes. Scan aligned slots for the adjacent (model, vocab) pair.
  for (size_t offset = 0; offset + 2 * sizeof(void*) <= 1024; offset += sizeof(void*)) {
    void* candidate = nullptr;
    void* vocab = nullptr;
    std::memcpy(&candidate, bytes + offset, sizeof(void*));
    std::memcpy(&vocab, bytes + offset + sizeof(void*), sizeof(void*));
    if (candidate == nullptr || vocab == nullptr) continue;
    if (reinterpret_cast<const void*>(api.model_get_vocab(static_cast<llama_model*>(candidate))) == vocab) {
      found = static_cast<llama_model*>(candidate);
      matches++;
      break;
    }
  }
  if (matches == 0) {
    throw Napi::Error::New(env, "Could not find llama_model in node-llama-cpp's AddonModel. Is the model loaded and node-llama-cpp 3.22.1 installed?");
  }
  return found;
}

class Context;

// Probe state read by cb_eval on the worker thread during llama_decode.
struct ProbeState {
  char captureName[32] = {0};
  std::vector<float> captured;  // rows of n_embd floats, appended per ubatch
  char offsetName[32] = {0};
  std::vector<float> offsetVector;
  // false: add the offset to the last evaluated row only; true: to every evaluated row.
  bool offsetAllRows = false;
};

bool ProbeCallback(struct ggml_tensor* t, bool ask, void* userData) {
  auto* state = static_cast<ProbeState*>(userData);
  const bool isCapture = state->captureName[0] != 0 && std::strcmp(t->name, state->captureName) == 0;
  const bool isOffset = state->offsetName[0] != 0 && std::strcmp(t->name, state->offsetName) == 0;
  if (ask) return isCapture || isOffset;
  if (t->type != GGML_TYPE_F32) return true;
  const int64_t width = t->ne[0];
  const int64_t rows = t->ne[1];
  if (isOffset && static_cast<int64_t>(state->offsetVector.size()) == width) {
    // Last row only is the reference's h[:, -1, :] += a*v. Every row is what the faithful mode's steered
    // pass needs (its batch holds only the newest token of each sequence), without llama_set_adapter_cvec,
    // which makes llama.cpp re-reserve its compute graph on the next decode after every call.
    std::vector<float> row(width);
    const int64_t firstRow = state->offsetAllRows ? 0 : rows - 1;
    for (int64_t r = firstRow; r < rows; r++) {
      const size_t rowOffset = static_cast<size_t>(r) * t->nb[1];
      api.tensor_get(t, row.data(), rowOffset, width * sizeof(float));
      for (int64_t i = 0; i < width; i++) row[i] += state->offsetVector[i];
      api.tensor_set(t, row.data(), rowOffset, width * sizeof(float));
    }
  }
  if (isCapture) {
    const size_t before = state->captured.size();
    state->captured.resize(before + static_cast<size_t>(width * rows));
    for (int64_t r = 0; r < rows; r++) {
      api.tensor_get(t, state->captured.data() + before + r * width, r * t->nb[1], width * sizeof(float));
    }
  }
  return true;
}

class Model : public Napi::ObjectWrap<Model> {
 public:
  llama_model* model = nullptr;
  Napi::ObjectReference owner;  // keeps node-llama-cpp's AddonModel alive while we use its pointer

  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Model", {
      InstanceAccessor<&Model::EmbeddingLength>("embeddingLength"),
      InstanceAccessor<&Model::LayerCount>("layerCount"),
      InstanceAccessor<&Model::VocabularySize>("vocabularySize"),
      InstanceAccessor<&Model::LibraryPath>("libraryPath"),
      InstanceMethod<&Model::IsEog>("isEog"),
    });
  }

  explicit Model(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Model>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) {
      throw Napi::TypeError::New(env, "attach() expects node-llama-cpp's AddonModel object (LlamaModel._model).");
    }
    LoadApi(env);
    void* addonModel = nullptr;
    if (napi_unwrap(env, info[0], &addonModel) != napi_ok || addonModel == nullptr) {
      throw Napi::TypeError::New(env, "The object passed to attach() is not a wrapped AddonModel.");
    }
    model = FindModelPointer(env, addonModel);
    owner = Napi::Persistent(info[0].As<Napi::Object>());
  }

  Napi::Value EmbeddingLength(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), api.model_n_embd(model)); }
  Napi::Value LayerCount(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), api.model_n_layer(model)); }
  Napi::Value VocabularySize(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), api.vocab_n_tokens(api.model_get_vocab(model)));
  }
  Napi::Value LibraryPath(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), api.libraryPath); }
  Napi::Value IsEog(const Napi::CallbackInfo& info) {
    const int32_t token = info[0].As<Napi::Number>().Int32Value();
    return Napi::Boolean::New(info.Env(), api.vocab_is_eog(api.model_get_vocab(model), token));
  }
};

Napi::FunctionReference* modelConstructor = nullptr;

class DecodeWorker;

class Context : public Napi::ObjectWrap<Context> {
 public:
  llama_context* ctx = nullptr;
  llama_batch batch{};
  int32_t batchCapacity = 0;
  int32_t nEmbd = 0;
  int32_t nLayer = 0;
  int32_t nVocab = 0;
  bool probe = false;
  ProbeState probeState;
  std::atomic_bool busy{false};
  Napi::ObjectReference modelRef;

  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Context", {
      InstanceMethod<&Context::Decode>("decode"),
      InstanceMethod<&Context::SetControlVector>("setControlVector"),
      InstanceMethod<&Context::SeqRemove>("seqRemove"),
      InstanceMethod<&Context::SeqCopy>("seqCopy"),
      InstanceMethod<&Context::ClearMemory>("clearMemory"),
      InstanceMethod<&Context::SetCapture>("setCapture"),
      InstanceMethod<&Context::TakeCaptured>("takeCaptured"),
      InstanceMethod<&Context::SetLastRowOffset>("setLastRowOffset"),
      InstanceMethod<&Context::SetRowsOffset>("setRowsOffset"),
      InstanceMethod<&Context::Dispose>("dispose"),
    });
  }

  // new Context(model, { contextSize, batchSize, sequences, threads, kvCacheType, flashAttention, probe })
  explicit Context(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Context>(info) {
    Napi::Env env = info.Env();
    Model* model = Model::Unwrap(info[0].As<Napi::Object>());
    Napi::Object options = info[1].As<Napi::Object>();
    const uint32_t contextSize = options.Get("contextSize").As<Napi::Number>().Uint32Value();
    const uint32_t batchSize = options.Get("batchSize").As<Napi::Number>().Uint32Value();
    const uint32_t sequences = options.Get("sequences").As<Napi::Number>().Uint32Value();
    const int32_t threads = options.Get("threads").As<Napi::Number>().Int32Value();
    probe = options.Get("probe").ToBoolean().Value();
    const bool kvF32 = options.Get("kvCacheType").IsString() && options.Get("kvCacheType").As<Napi::String>().Utf8Value() == "f32";
    const std::string flashAttention = options.Get("flashAttention").IsString() ? options.Get("flashAttention").As<Napi::String>().Utf8Value() : "auto";
    if (flashAttention != "auto" && flashAttention != "on" && flashAttention != "off") {
      throw Napi::RangeError::New(env, "Invalid flashAttention '" + flashAttention + "'. Pass 'auto', 'on' or 'off'.");
    }

    llama_context_params params = api.context_default_params();
    params.n_ctx = contextSize;
    params.n_batch = batchSize;
    // One micro-batch per decode keeps the probe's "last row" well defined.
    params.n_ubatch = batchSize;
    params.n_seq_max = sequences;
    params.n_threads = threads;
    params.n_threads_batch = threads;
    // A unified KV cache lets seqCopy share the prompt's cells between sequences without copying data.
    params.kv_unified = true;
    params.no_perf = true;
    // The CPU flash-attention op uses a tiled kernel for decodes of >= 64 queries and a per-row kernel
    // otherwise, which round differently (about 1e-3 relative), so callers that compare batch shapes pass "off".
    params.flash_attn_type = flashAttention == "on" ? LLAMA_FLASH_ATTN_TYPE_ENABLED
                             : flashAttention == "off" ? LLAMA_FLASH_ATTN_TYPE_DISABLED
                                                       : LLAMA_FLASH_ATTN_TYPE_AUTO;
    if (kvF32) {
      // fp32 keys and values avoid fp16 rounding in attention, so different batch shapes agree closely.
      params.type_k = GGML_TYPE_F32;
      params.type_v = GGML_TYPE_F32;
    }
    // Every context gets the callback: probes capture and offset the last row, generation contexts
    // offset every row in the faithful mode. With nothing requested it only compares tensor names.
    params.cb_eval = ProbeCallback;
    params.cb_eval_user_data = &probeState;
    ctx = api.init_from_model(model->model, params);
    if (ctx == nullptr) {
      throw Napi::Error::New(env, "llama_init_from_model failed (contextSize=" + std::to_string(contextSize) +
                                      "). Try a smaller contextSize or fewer sequences.");
    }
    batch = api.batch_init(batchSize, 0, 1);
    batchCapacity = static_cast<int32_t>(batchSize);
    nEmbd = api.model_n_embd(model->model);
    nLayer = api.model_n_layer(model->model);
    nVocab = api.vocab_n_tokens(api.model_get_vocab(model->model));
    modelRef = Napi::Persistent(info[0].As<Napi::Object>());
  }

  ~Context() { Release(); }

  void Release() {
    if (ctx != nullptr) {
      api.batch_free(batch);
      api.free_context(ctx);
      ctx = nullptr;
    }
  }

  void CheckUsable(Napi::Env env) {
    if (ctx == nullptr) throw Napi::Error::New(env, "The context is disposed.");
    if (busy) throw Napi::Error::New(env, "The context is busy with another decode. Await each call before the next.");
  }

  Napi::Value Decode(const Napi::CallbackInfo& info);

  Napi::Value SetControlVector(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    if (info[0].IsNull() || info[0].IsUndefined()) {
      api.set_adapter_cvec(ctx, nullptr, 0, nEmbd, -1, -1);
      return env.Undefined();
    }
    const int32_t layer = info[0].As<Napi::Number>().Int32Value();
    Napi::Float32Array vector = info[1].As<Napi::Float32Array>();
    if (layer < 1 || layer >= nLayer) {
      throw Napi::RangeError::New(env, "Control vector layer " + std::to_string(layer) + " is out of range; llama.cpp steers blocks 1.." +
                                           std::to_string(nLayer - 1) + " only.");
    }
    if (static_cast<int32_t>(vector.ElementLength()) != nEmbd) {
      throw Napi::RangeError::New(env, "Control vector length " + std::to_string(vector.ElementLength()) + " does not match embedding length " +
                                           std::to_string(nEmbd) + ".");
    }
    // The buffer starts at block 1: block b's slice sits at (b - 1) * n_embd.
    std::vector<float> data(static_cast<size_t>(nEmbd) * (nLayer - 1), 0.0f);
    std::memcpy(data.data() + static_cast<size_t>(layer - 1) * nEmbd, vector.Data(), nEmbd * sizeof(float));
    const int32_t rc = api.set_adapter_cvec(ctx, data.data(), data.size(), nEmbd, layer, layer);
    if (rc != 0) throw Napi::Error::New(env, "llama_set_adapter_cvec failed with code " + std::to_string(rc) + ".");
    return env.Undefined();
  }

  Napi::Value SeqRemove(const Napi::CallbackInfo& info) {
    CheckUsable(info.Env());
    const bool ok = api.memory_seq_rm(api.get_memory(ctx), info[0].As<Napi::Number>().Int32Value(),
                                      info[1].As<Napi::Number>().Int32Value(), info[2].As<Napi::Number>().Int32Value());
    return Napi::Boolean::New(info.Env(), ok);
  }

  Napi::Value SeqCopy(const Napi::CallbackInfo& info) {
    CheckUsable(info.Env());
    api.memory_seq_cp(api.get_memory(ctx), info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value(),
                      info[2].As<Napi::Number>().Int32Value(), info[3].As<Napi::Number>().Int32Value());
    return info.Env().Undefined();
  }

  Napi::Value ClearMemory(const Napi::CallbackInfo& info) {
    CheckUsable(info.Env());
    api.memory_clear(api.get_memory(ctx), true);
    return info.Env().Undefined();
  }

  void RequireProbe(Napi::Env env) {
    if (!probe) throw Napi::Error::New(env, "This context was created without probe: true; capture and last-row offsets need it.");
  }

  static void SetLayerName(char* target, int32_t layer) {
    if (layer < 0) {
      target[0] = 0;
    } else {
      std::snprintf(target, 32, "l_out-%d", layer);
    }
  }

  Napi::Value SetCapture(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    RequireProbe(env);
    const int32_t layer = info[0].IsNull() ? -1 : info[0].As<Napi::Number>().Int32Value();
    if (layer >= nLayer) throw Napi::RangeError::New(env, "Capture layer " + std::to_string(layer) + " is out of range 0.." + std::to_string(nLayer - 1) + ".");
    SetLayerName(probeState.captureName, layer);
    probeState.captured.clear();
    return env.Undefined();
  }

  Napi::Value TakeCaptured(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    auto result = Napi::Float32Array::New(env, probeState.captured.size());
    std::memcpy(result.Data(), probeState.captured.data(), probeState.captured.size() * sizeof(float));
    probeState.captured.clear();
    return result;
  }

  Napi::Value SetLastRowOffset(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    RequireProbe(env);
    return SetOffset(info, false);
  }

  // Add a vector to block `layer`'s output at every row of each decode; null clears. Unlike
  // setControlVector, switching it on and off costs nothing on the next decode.
  Napi::Value SetRowsOffset(const Napi::CallbackInfo& info) {
    CheckUsable(info.Env());
    return SetOffset(info, true);
  }

  Napi::Value SetOffset(const Napi::CallbackInfo& info, bool allRows) {
    Napi::Env env = info.Env();
    if (info[0].IsNull() || info[0].IsUndefined()) {
      SetLayerName(probeState.offsetName, -1);
      probeState.offsetVector.clear();
      return env.Undefined();
    }
    const int32_t layer = info[0].As<Napi::Number>().Int32Value();
    Napi::Float32Array vector = info[1].As<Napi::Float32Array>();
    if (layer < 0 || layer >= nLayer) throw Napi::RangeError::New(env, "Offset layer " + std::to_string(layer) + " is out of range.");
    if (static_cast<int32_t>(vector.ElementLength()) != nEmbd) throw Napi::RangeError::New(env, "Offset length does not match embedding length.");
    SetLayerName(probeState.offsetName, layer);
    probeState.offsetVector.assign(vector.Data(), vector.Data() + nEmbd);
    probeState.offsetAllRows = allRows;
    return env.Undefined();
  }

  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    if (busy) throw Napi::Error::New(info.Env(), "Cannot dispose a context while a decode is running.");
    Release();
    modelRef.Reset();
    return info.Env().Undefined();
  }
};

// Runs llama_decode off the JS thread and returns the requested logit rows.
class DecodeWorker : public Napi::AsyncWorker {
 public:
  DecodeWorker(Napi::Env env, Context* context, std::vector<int32_t> logitRows)
      : Napi::AsyncWorker(env), deferred(Napi::Promise::Deferred::New(env)), context(context), logitRows(std::move(logitRows)) {}

  Napi::Promise::Deferred deferred;

  void Execute() override {
    status = api.decode(context->ctx, context->batch);
    if (status != 0) return;
    logits.resize(logitRows.size() * static_cast<size_t>(context->nVocab));
    for (size_t i = 0; i < logitRows.size(); i++) {
      const float* row = api.get_logits_ith(context->ctx, logitRows[i]);
      if (row == nullptr) {
        status = -100;
        return;
      }
      std::memcpy(logits.data() + i * context->nVocab, row, context->nVocab * sizeof(float));
    }
  }

  void OnOK() override {
    context->busy = false;
    Napi::Env env = Env();
    if (status != 0) {
      deferred.Reject(Napi::Error::New(env, "llama_decode failed with code " + std::to_string(status) +
                                                (status == 1 ? " (no free KV cache slot; use a larger contextSize)" : "") + ".").Value());
      return;
    }
    auto result = Napi::Float32Array::New(env, logits.size());
    std::memcpy(result.Data(), logits.data(), logits.size() * sizeof(float));
    deferred.Resolve(result);
  }

  void OnError(const Napi::Error& error) override {
    context->busy = false;
    deferred.Reject(error.Value());
  }

 private:
  Context* context;
  std::vector<int32_t> logitRows;
  std::vector<float> logits;
  int32_t status = 0;
};

// decode(tokens: Int32Array, positions: Int32Array, seqIds: Int32Array, logitRows: Int32Array): Promise<Float32Array>
Napi::Value Context::Decode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env);
  auto tokens = info[0].As<Napi::Int32Array>();
  auto positions = info[1].As<Napi::Int32Array>();
  auto seqIds = info[2].As<Napi::Int32Array>();
  auto logitRows = info[3].As<Napi::Int32Array>();
  const int32_t count = static_cast<int32_t>(tokens.ElementLength());
  if (count == 0 || count > batchCapacity) {
    throw Napi::RangeError::New(env, "decode() got " + std::to_string(count) + " tokens; expected 1.." + std::to_string(batchCapacity) + ".");
  }
  if (static_cast<int32_t>(positions.ElementLength()) != count || static_cast<int32_t>(seqIds.ElementLength()) != count) {
    throw Napi::RangeError::New(env, "decode() needs tokens, positions and seqIds of equal length.");
  }
  batch.n_tokens = count;
  for (int32_t i = 0; i < count; i++) {
    batch.token[i] = tokens[i];
    batch.pos[i] = positions[i];
    batch.n_seq_id[i] = 1;
    batch.seq_id[i][0] = seqIds[i];
    batch.logits[i] = 0;
  }
  std::vector<int32_t> rows(logitRows.ElementLength());
  for (size_t i = 0; i < rows.size(); i++) {
    if (logitRows[i] < 0 || logitRows[i] >= count) throw Napi::RangeError::New(env, "decode() logit row out of range.");
    rows[i] = logitRows[i];
    batch.logits[rows[i]] = 1;
  }
  busy = true;
  auto* worker = new DecodeWorker(env, this, std::move(rows));
  Napi::Promise promise = worker->deferred.Promise();
  worker->Queue();
  return promise;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Function model = Model::Define(env);
  modelConstructor = new Napi::FunctionReference(Napi::Persistent(model));
  exports.Set("Model", model);
  exports.Set("Context", Context::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(glov_guidance, Init)
