import { useState } from 'react';

import type { ModelInfo, ModelKind } from '../../../engine/api.js';
import type { ScreenContext } from '../App.js';
import { api } from '../api.js';
import { formatBytes } from '../format.js';

const kindLabels: Record<ModelKind, { title: string; what: string }> = {
  llm: { title: 'Optimizer LLM (GGUF)', what: 'An instruction-tuned chat model in a .gguf file; it writes the templates.' },
  vlm: { title: 'Vision-language model (ONNX folder)', what: 'A CLIP export with text and image .onnx files; it scores the templates.' },
};

function ModelCard({ kind, model, context }: { kind: ModelKind; model: ModelInfo | null; context: ScreenContext }) {
  const [typedPath, setTypedPath] = useState('');
  const { info } = context;

  async function choose(path?: string) {
    try {
      const chosen = await api.selectModel(path === undefined ? { kind } : { kind, path });
      if (chosen) {
        setTypedPath('');
        await context.refreshInfo();
      }
    } catch (caught) {
      context.reportError(caught);
    }
  }

  return (
    <article className="card" aria-label={kindLabels[kind].title}>
      <h3>{kindLabels[kind].title}</h3>
      <p className="muted">{kindLabels[kind].what}</p>
      {model ? (
        <dl className="facts">
          <dt>File</dt>
          <dd>
            <code>{model.path}</code>
          </dd>
          <dt>Size</dt>
          <dd>{formatBytes(model.sizeBytes)}</dd>
          <dt>Architecture</dt>
          <dd>{model.architecture}</dd>
          <dt>Layers</dt>
          <dd>{model.layerCount ?? 'unknown'}</dd>
          {kind === 'llm' && (
            <>
              <dt>Default steering layer</dt>
              <dd>{model.defaultSteeringLayer ?? 'unknown'}</dd>
            </>
          )}
          <dt>Embedding length</dt>
          <dd>{model.embeddingLength ?? 'unknown'}</dd>
        </dl>
      ) : (
        <p>No model chosen.</p>
      )}
      {model?.warnings.map((warning) => (
        <p key={warning} className="warning">
          {warning}
        </p>
      ))}
      {info?.canPickPaths ? (
        <button type="button" onClick={() => void choose()}>
          Choose…
        </button>
      ) : (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void choose(typedPath.trim());
          }}
        >
          <input
            name={`${kind}-path`}
            aria-label={`${kindLabels[kind].title} path`}
            value={typedPath}
            onChange={(event) => setTypedPath(event.target.value)}
            placeholder={kind === 'llm' ? '/path/to/model.gguf' : '/path/to/clip-onnx/'}
            size={50}
          />
          <button type="submit" disabled={typedPath.trim() === ''}>
            Use
          </button>
        </form>
      )}
    </article>
  );
}

export function ModelsScreen({ context }: { context: ScreenContext }) {
  return (
    <section aria-labelledby="models-title">
      <h2 id="models-title">Models</h2>
      <div className="cards">
        <ModelCard kind="llm" model={context.info?.llm ?? null} context={context} />
        <ModelCard kind="vlm" model={context.info?.vlm ?? null} context={context} />
      </div>
    </section>
  );
}
