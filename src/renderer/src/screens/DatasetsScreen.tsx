import { useCallback, useEffect, useState } from 'react';

import type { DatasetDetail, DatasetSummary, ImageThumbnail } from '../../../engine/api.js';
import type { ScreenContext } from '../App.js';
import { api } from '../api.js';

/** Images shown per class in the grid. */
const gridLimit = 12;

export function DatasetsScreen({ context }: { context: ScreenContext }) {
  const [datasets, setDatasets] = useState<DatasetSummary[]>([]);
  const [detail, setDetail] = useState<DatasetDetail | null>(null);
  const [classFolder, setClassFolder] = useState<string | null>(null);
  const [split, setSplit] = useState<'train' | 'test'>('train');
  const [thumbnails, setThumbnails] = useState<ImageThumbnail[]>([]);
  const [typedPath, setTypedPath] = useState('');
  const { reportError, info } = context;

  const refresh = useCallback(async () => {
    try {
      setDatasets(await api.listDatasets());
    } catch (caught) {
      reportError(caught);
    }
  }, [reportError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function open(datasetId: string) {
    try {
      const loaded = await api.getDataset(datasetId);
      setDetail(loaded);
      setClassFolder(loaded.classes[0]?.folder ?? null);
    } catch (caught) {
      reportError(caught);
    }
  }

  useEffect(() => {
    if (!detail || !classFolder) {
      setThumbnails([]);
      return;
    }
    let current = true;
    api
      .getClassImages({ datasetId: detail.id, classFolder, split, limit: gridLimit })
      .then((loaded) => current && setThumbnails(loaded))
      .catch(reportError);
    return () => {
      current = false;
    };
  }, [detail, classFolder, split, reportError]);

  async function add(path?: string) {
    try {
      const added = await api.addDataset(path === undefined ? {} : { path });
      if (added) {
        setTypedPath('');
        await refresh();
        setDetail(added);
        setClassFolder(added.classes[0]?.folder ?? null);
      }
    } catch (caught) {
      reportError(caught);
    }
  }

  return (
    <section aria-labelledby="datasets-title">
      <h2 id="datasets-title">Datasets</h2>
      <div className="toolbar">
        {info?.canPickPaths && (
          <button type="button" onClick={() => void add()}>
            Add dataset folder…
          </button>
        )}
        {info && !info.canPickPaths && (
          <form
            className="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              void add(typedPath.trim());
            }}
          >
            <label>
              Dataset folder
              <input
                name="dataset-path"
                value={typedPath}
                onChange={(event) => setTypedPath(event.target.value)}
                placeholder={info.dataRoots[0] ? `${info.dataRoots[0]}/dtd10` : '/path/to/dataset'}
                size={50}
              />
            </label>
            <button type="submit" disabled={typedPath.trim() === ''}>
              Add dataset
            </button>
            <span className="muted">Accepted under: {info.dataRoots.join(', ')}</span>
          </form>
        )}
      </div>

      {datasets.length === 0 && (
        <div className="empty-state">
          <p>No datasets yet.</p>
          <p>
            Add a folder with <code>train/&lt;class&gt;/*.jpg</code> and <code>test/&lt;class&gt;/*.jpg</code>, and
            optionally a <code>classnames.json</code> that maps folders to class names. Then choose the models and
            start a run.
          </p>
        </div>
      )}

      {datasets.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Classes</th>
              <th>Train images</th>
              <th>Test images</th>
              <th>Warnings</th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((dataset) => (
              <tr key={dataset.id} className={detail?.id === dataset.id ? 'selected' : ''}>
                <td>
                  <button type="button" className="link" onClick={() => void open(dataset.id)}>
                    {dataset.name}
                  </button>
                </td>
                <td>{dataset.classCount}</td>
                <td>{dataset.trainImageCount}</td>
                <td>{dataset.testImageCount}</td>
                <td>{dataset.warnings.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {detail && (
        <div className="dataset-detail">
          <h3>
            {detail.name} <span className="muted">{detail.path}</span>
          </h3>
          {detail.warnings.length > 0 && (
            <ul className="warnings" aria-label="Dataset warnings">
              {detail.warnings.map((warning, index) => (
                <li key={index}>{warning.message}</li>
              ))}
            </ul>
          )}
          <div className="split-view">
            <ul className="class-list" aria-label="Classes">
              {detail.classes.map((entry) => (
                <li key={entry.folder}>
                  <button
                    type="button"
                    className={entry.folder === classFolder ? 'class active' : 'class'}
                    onClick={() => setClassFolder(entry.folder)}
                  >
                    <span>{entry.promptName}</span>
                    <span className="muted">
                      {entry.trainCount} / {entry.testCount}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            <div>
              <div className="toolbar">
                <label>
                  Split{' '}
                  <select value={split} onChange={(event) => setSplit(event.target.value as 'train' | 'test')}>
                    <option value="train">train</option>
                    <option value="test">test</option>
                  </select>
                </label>
                {classFolder && (
                  <span className="muted">
                    Folder <code>{classFolder}</code>, prompt name{' '}
                    <code>{detail.classes.find((entry) => entry.folder === classFolder)?.promptName}</code>
                  </span>
                )}
              </div>
              <div className="image-grid" aria-label="Class images">
                {thumbnails.map((thumbnail) =>
                  thumbnail.dataUrl ? (
                    <img key={thumbnail.fileName} src={thumbnail.dataUrl} alt={thumbnail.fileName} title={thumbnail.fileName} />
                  ) : (
                    <div key={thumbnail.fileName} className="broken-image" title={thumbnail.error}>
                      {thumbnail.fileName}
                    </div>
                  ),
                )}
              </div>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
