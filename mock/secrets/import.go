package secrets

import "github.com/csmskit/csmskit/mock/store"

// ImportFailure is a secret a batch import did not create, and why.
type ImportFailure struct {
	Name string
	Err  error
}

// ImportBatch creates each secret as Create does, each on its own, in one transaction (a
// store on disk commits the batch once): a secret Create would refuse (its name in use, by
// an earlier one of the batch too; its value; the quota reached) is reported and the others
// are created. It returns the failures in the batch's order. Only a failure of the store
// fails the import as a whole, and then none is created.
func (s *Service) ImportBatch(project string, batch []NewSecret) ([]ImportFailure, error) {
	var failed []ImportFailure
	err := s.write(func(tx store.Tx) error {
		failed = nil // a shared store may run the transaction again
		for _, in := range batch {
			_, err := s.create(tx, project, in)
			switch {
			case err == nil:
			case KindOf(err) != 0:
				failed = append(failed, ImportFailure{Name: in.Name, Err: err})
			default:
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return failed, nil
}
