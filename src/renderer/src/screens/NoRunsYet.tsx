import type { ScreenContext } from '../App.js';

/** Empty state of the screens that show runs: the three steps to a first run, each with a button. */
export function NoRunsYet({ context, purpose }: { context: ScreenContext; purpose: string }) {
  const { info } = context;
  return (
    <div className="empty-state" data-testid="no-runs">
      <p>
        <strong>No runs yet.</strong> {purpose}
      </p>
      <ol className="getting-started">
        <li>
          Add a dataset folder with train/ and test/ subfolders.{' '}
          <button type="button" onClick={() => context.go('datasets')}>
            Datasets
          </button>
        </li>
        <li>
          Choose the LLM (GGUF file) and the VLM (CLIP ONNX folder){info?.llm && info.vlm ? ' (done)' : ''}.{' '}
          <button type="button" onClick={() => context.go('models')}>
            Models
          </button>
        </li>
        <li>
          Set the steps and guidance, then start the run.{' '}
          <button type="button" onClick={() => context.go('new-run')}>
            New run
          </button>
        </li>
      </ol>
    </div>
  );
}
